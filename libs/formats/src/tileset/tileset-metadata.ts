import { z } from 'zod';
import { MAX_LATITUDE, MAX_ZOOM, type BBox } from '@map-offline/geo';
import { FormatErrorCode } from '../format-error';
import { parseOrThrow } from '../validation-message';

export const TILE_FORMATS = ['png', 'jpeg', 'webp', 'mvt'] as const;
export type TileFormat = (typeof TILE_FORMATS)[number];

const longitude = z.number().min(-180).max(180);
/** Bounds may reach the poles in the metadata even though Mercator tiles stop at MAX_LATITUDE. */
const latitude = z.number().min(-90).max(90);
const zoom = z.number().int().min(0).max(MAX_ZOOM);

/** TileJSON 3.0 `vector_layers` entry; MBTiles 1.3 and PMTiles v3 both require the list for MVT. */
export const vectorLayerSchema = z.strictObject({
  id: z.string().min(1),
  fields: z.record(z.string(), z.enum(['Number', 'Boolean', 'String'])),
  description: z.string().optional(),
  minzoom: zoom.optional(),
  maxzoom: zoom.optional(),
});
export type VectorLayer = z.infer<typeof vectorLayerSchema>;

export const tilesetMetadataSchema = z
  .strictObject({
    name: z.string().min(1),
    format: z.enum(TILE_FORMATS),
    /** West, south, east, north in degrees; west < east (a tileset crossing the antimeridian is not supported). */
    bounds: z.tuple([longitude, latitude, longitude, latitude]),
    /** Longitude, latitude, zoom of the first view; defaults to the middle of the bounds at minZoom. */
    center: z.tuple([longitude, latitude, zoom]).optional(),
    minZoom: zoom,
    maxZoom: zoom,
    attribution: z.string().optional(),
    description: z.string().optional(),
    type: z.enum(['baselayer', 'overlay']).default('baselayer'),
    /**
     * Revision of the tileset, a positive integer: MBTiles 1.3 wants a number, PMTiles v3 a semantic
     * version, so revision 3 is written as `3` and `3.0.0` respectively.
     */
    version: z.number().int().min(1).default(1),
    vectorLayers: z.array(vectorLayerSchema).optional(),
  })
  .superRefine((metadata, context) => {
    const [west, south, east, north] = metadata.bounds;
    if (west >= east)
      context.addIssue({ code: 'custom', path: ['bounds'], message: 'west must be less than east' });
    if (south >= north) {
      context.addIssue({ code: 'custom', path: ['bounds'], message: 'south must be less than north' });
    }
    if (metadata.minZoom > metadata.maxZoom) {
      context.addIssue({ code: 'custom', path: ['minZoom'], message: 'must not be greater than maxZoom' });
    }
    if (metadata.center) {
      const [centerLongitude, centerLatitude, centerZoom] = metadata.center;
      if (
        centerLongitude < west ||
        centerLongitude > east ||
        centerLatitude < south ||
        centerLatitude > north
      ) {
        context.addIssue({ code: 'custom', path: ['center'], message: 'must lie inside bounds' });
      }
      if (centerZoom < metadata.minZoom || centerZoom > metadata.maxZoom) {
        context.addIssue({ code: 'custom', path: ['center', 2], message: 'must be within minZoom..maxZoom' });
      }
    }
    if (
      metadata.format === 'mvt' &&
      (metadata.vectorLayers === undefined || metadata.vectorLayers.length === 0)
    ) {
      context.addIssue({ code: 'custom', path: ['vectorLayers'], message: 'is required for mvt tilesets' });
    }
    if (metadata.format !== 'mvt' && metadata.vectorLayers !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['vectorLayers'],
        message: 'is only allowed for mvt tilesets',
      });
    }
    metadata.vectorLayers?.forEach((layer, index) => {
      if (layer.minzoom !== undefined && layer.minzoom < metadata.minZoom) {
        context.addIssue({
          code: 'custom',
          path: ['vectorLayers', index, 'minzoom'],
          message: 'is below minZoom',
        });
      }
      if (layer.maxzoom !== undefined && layer.maxzoom > metadata.maxZoom) {
        context.addIssue({
          code: 'custom',
          path: ['vectorLayers', index, 'maxzoom'],
          message: 'is above maxZoom',
        });
      }
    });
  });

export type TilesetMetadataInput = z.input<typeof tilesetMetadataSchema>;

/** Validated metadata with defaults filled in; `center` is always present. */
export interface TilesetMetadata extends Omit<z.output<typeof tilesetMetadataSchema>, 'center' | 'bounds'> {
  bounds: BBox;
  center: [longitude: number, latitude: number, zoom: number];
}

export function parseTilesetMetadata(input: TilesetMetadataInput): TilesetMetadata {
  const parsed = parseOrThrow(tilesetMetadataSchema, input, 'metadata', FormatErrorCode.INVALID_METADATA);
  const [west, south, east, north] = parsed.bounds;
  const centerLatitude = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, (south + north) / 2));
  return {
    ...parsed,
    bounds: [west, south, east, north],
    center: parsed.center ?? [(west + east) / 2, centerLatitude, parsed.minZoom],
  };
}
