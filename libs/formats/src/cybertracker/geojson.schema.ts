import { z } from 'zod';

/**
 * RFC 7946 GeoJSON, as much as a package writer must guarantee: WGS 84 positions (longitude, latitude,
 * optional altitude) in range, LineStrings of 2+ positions, closed linear rings of 4+ positions, and
 * Features with an object-or-null `properties`. Foreign members are kept (the RFC allows them).
 */
const position = z
  .array(z.number())
  .min(2)
  .max(3)
  .refine((value) => value[0] >= -180 && value[0] <= 180, { error: 'longitude must be within -180..180' })
  .refine((value) => value[1] >= -90 && value[1] <= 90, { error: 'latitude must be within -90..90' });

const lineCoordinates = z.array(position).min(2);
const linearRing = z
  .array(position)
  .min(4)
  .refine(
    (ring) => ring.length < 4 || ring[0].every((value, index) => value === ring[ring.length - 1][index]),
    {
      error: 'linear ring must end where it starts',
    },
  );
const polygonCoordinates = z.array(linearRing).min(1);

const bbox = z.array(z.number()).optional();

export const pointSchema = z.looseObject({ type: z.literal('Point'), coordinates: position, bbox });
export const multiPointSchema = z.looseObject({
  type: z.literal('MultiPoint'),
  coordinates: z.array(position),
  bbox,
});
export const lineStringSchema = z.looseObject({
  type: z.literal('LineString'),
  coordinates: lineCoordinates,
  bbox,
});
export const multiLineStringSchema = z.looseObject({
  type: z.literal('MultiLineString'),
  coordinates: z.array(lineCoordinates),
  bbox,
});
export const polygonSchema = z.looseObject({
  type: z.literal('Polygon'),
  coordinates: polygonCoordinates,
  bbox,
});
export const multiPolygonSchema = z.looseObject({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(polygonCoordinates),
  bbox,
});

const simpleGeometrySchema = z.discriminatedUnion('type', [
  pointSchema,
  multiPointSchema,
  lineStringSchema,
  multiLineStringSchema,
  polygonSchema,
  multiPolygonSchema,
]);
export const geometryCollectionSchema = z.looseObject({
  type: z.literal('GeometryCollection'),
  geometries: z.array(simpleGeometrySchema),
  bbox,
});
export const geometrySchema = z.discriminatedUnion('type', [
  pointSchema,
  multiPointSchema,
  lineStringSchema,
  multiLineStringSchema,
  polygonSchema,
  multiPolygonSchema,
  geometryCollectionSchema,
]);

export const featureSchema = z.looseObject({
  type: z.literal('Feature'),
  geometry: geometrySchema.nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  id: z.union([z.string(), z.number()]).optional(),
  bbox,
});

export const featureCollectionSchema = z.looseObject({
  type: z.literal('FeatureCollection'),
  features: z.array(featureSchema),
  bbox,
});

/**
 * Place-lookup geometry (section 3): only polygons and multipolygons, and every feature carries a string
 * `properties.featureId`, the join key to the content file (the top-level GeoJSON `id` is not used).
 */
export const lookupFeatureCollectionSchema = z.looseObject({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.looseObject({
      type: z.literal('Feature'),
      geometry: z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]),
      properties: z.looseObject({ featureId: z.string().min(1) }),
      id: z.union([z.string(), z.number()]).optional(),
      bbox,
    }),
  ),
  bbox,
});

export type FeatureCollectionInput = z.input<typeof featureCollectionSchema>;
export type FeatureCollection = z.output<typeof featureCollectionSchema>;
export type LookupFeatureCollection = z.output<typeof lookupFeatureCollectionSchema>;
