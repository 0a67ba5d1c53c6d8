import type { TileFormat, TileSourceEntity } from '@map-offline/entities';

const TILE_FORMATS: readonly TileFormat[] = ['png', 'jpeg', 'webp', 'mvt'];

/** The media type a tile of each format is stored and served with (the seeder uses the same ones). */
export const TILE_MEDIA_TYPES: Record<TileFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  mvt: 'application/vnd.mapbox-vector-tile',
};

/**
 * Media types a source's tiles may have: its format's, plus WebP for raster sources that transcode, since
 * their seeded tiles are WebP. Mixing formats inside a source would break single-format packages.
 */
export function acceptedMediaTypes(source: Pick<TileSourceEntity, 'format' | 'transcodeToWebp'>): string[] {
  const own = TILE_MEDIA_TYPES[source.format];
  const transcodes = source.transcodeToWebp && (source.format === 'png' || source.format === 'jpeg');
  return transcodes ? [own, TILE_MEDIA_TYPES.webp] : [own];
}

/** The format a media type names, for checking a body's first bytes. */
export function formatOfMediaType(mediaType: string): TileFormat | undefined {
  return TILE_FORMATS.find((format) => TILE_MEDIA_TYPES[format] === mediaType);
}
