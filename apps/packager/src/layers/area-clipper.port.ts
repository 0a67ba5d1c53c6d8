import type { Geometry } from 'geojson';

/** What clipping did to one geometry. */
export type ClipOutcome = { kind: 'inside' } | { kind: 'outside' } | { kind: 'clipped'; geometry: Geometry };

/** A geometry the clipper cannot read (PostGIS refused it): the layer's fault, not the system's. */
export class UnclippableGeometryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnclippableGeometryError';
  }
}

/**
 * Clips GeoJSON geometries (EPSG:4326) to the area of cache regions. A port, so layer preparation is
 * tested without a database; the adapter uses PostGIS, where the regions' areas already are.
 */
export abstract class AreaClipper {
  /** One outcome per geometry, in order. Throws UnclippableGeometryError when a geometry cannot be read. */
  abstract clip(regionIds: readonly string[], geometries: readonly Geometry[]): Promise<ClipOutcome[]>;
}
