import { request } from 'node:http';
import type { Geometry } from 'geojson';
import { GraphqlClient, GraphqlResponse } from '@map-offline/testing';

export interface TileUploadVariables {
  z: number;
  x: number;
  y: number;
  sha256: string;
  size: number;
  contentType: string;
}

export interface TicketView {
  index: number;
  z: number;
  x: number;
  y: number;
  sha256: string;
  status: 'ALREADY_STORED' | 'UPLOAD';
  upload: {
    url: string;
    method: string;
    headers: { name: string; value: string }[];
    expiresAt: string;
  } | null;
}

export interface UploadRequestView {
  regionId: string;
  alreadyStored: number;
  toUpload: number;
  tiles: TicketView[];
}

export interface ConfirmationView {
  index: number;
  z: number;
  x: number;
  y: number;
  sha256: string;
  status: 'INDEXED' | 'NOT_UPLOADED' | 'SIZE_MISMATCH' | 'CHECKSUM_MISMATCH' | 'FORMAT_MISMATCH';
  objectDeleted: boolean;
  message: string | null;
}

export interface ConfirmationResultView {
  regionId: string;
  indexed: number;
  rejected: number;
  tiles: ConfirmationView[];
}

const REQUEST = `mutation ($regionId: ID!, $tiles: [TileUploadInput!]!, $expiresInSeconds: Int) {
  requestTileUploads(regionId: $regionId, tiles: $tiles, expiresInSeconds: $expiresInSeconds) {
    regionId alreadyStored toUpload
    tiles { index z x y sha256 status upload { url method headers { name value } expiresAt } } } }`;

const CONFIRM = `mutation ($regionId: ID!, $tiles: [TileUploadInput!]!) {
  confirmTileUploads(regionId: $regionId, tiles: $tiles) {
    regionId indexed rejected tiles { index z x y sha256 status objectDeleted message } } }`;

export function requestUploads(
  api: GraphqlClient,
  regionId: string,
  tiles: TileUploadVariables[],
  expiresInSeconds?: number,
): Promise<GraphqlResponse<{ requestTileUploads: UploadRequestView }>> {
  return api.request(REQUEST, { regionId, tiles, expiresInSeconds });
}

export function confirmUploads(
  api: GraphqlClient,
  regionId: string,
  tiles: TileUploadVariables[],
): Promise<GraphqlResponse<{ confirmTileUploads: ConfirmationResultView }>> {
  return api.request(CONFIRM, { regionId, tiles });
}

export async function registerSource(api: GraphqlClient): Promise<string> {
  const data = await api.data<{ registerTileSource: { id: string } }>(
    `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
    {
      input: {
        name: `uploads ${Math.random().toString(36).slice(2, 10)}`,
        // Nothing is fetched from it: no seeder runs in these tests, tiles come from the client.
        urlTemplate: 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png',
        format: 'PNG',
        maxRequestsPerSecond: 10,
        maxConcurrentRequests: 2,
      },
    },
  );
  return data.registerTileSource.id;
}

export async function createRegion(
  api: GraphqlClient,
  sourceId: string,
  geometry: Geometry,
  zooms: { minZoom: number; maxZoom: number },
): Promise<string> {
  const data = await api.data<{ createCacheRegion: { subjectId: string } }>(
    `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { subjectId } }`,
    { input: { name: 'uploads region', sourceId, area: { geometry, ...zooms } } },
  );
  return data.createCacheRegion.subjectId;
}

export interface PutResult {
  status: number;
  body: string;
}

/**
 * A PUT with exactly these headers, except Content-Length, which always states the real body length
 * (a client sending other bytes than it declared does exactly that); fetch would not allow it.
 */
export function putObject(
  url: string,
  headers: { name: string; value: string }[],
  body: Buffer,
): Promise<PutResult> {
  const sent: Record<string, string> = {};
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'content-length') sent[header.name] = header.value;
  }
  sent['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'PUT', headers: sent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function getTile(
  gatewayUrl: string,
  token: string,
  sourceId: string,
  tile: { z: number; x: number; y: number },
): Promise<{ status: number; contentType: string | null; body: Buffer }> {
  const response = await fetch(`${gatewayUrl}/tiles/${sourceId}/${tile.z}/${tile.x}/${tile.y}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}
