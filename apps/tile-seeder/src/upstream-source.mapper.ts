import { TileSourceEntity } from '@map-offline/entities';
import { UpstreamTileSource } from '@map-offline/upstream';

export function toUpstreamSource(source: TileSourceEntity): UpstreamTileSource {
  return {
    id: source.id,
    urlTemplate: source.urlTemplate,
    scheme: source.scheme,
    format: source.format,
    subdomains: source.subdomains,
    maxRequestsPerSecond: source.maxRequestsPerSecond,
    maxConcurrentRequests: source.maxConcurrentRequests,
    headers: source.secretHeaders,
  };
}
