import { GeoErrorCode, GeoValidationError } from './geo-error';
import { BBox, MAX_ZOOM, MIN_ZOOM, TileCoord, tilesPerSide } from './tile-coord';

/** A zoom must be a whole number in 0..24 (24 is where a tile is about 2.4 m at the equator). */
export function assertZoom(zoom: number, field = 'zoom'): void {
  if (!Number.isInteger(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) {
    throw new GeoValidationError(
      GeoErrorCode.ZOOM_OUT_OF_RANGE,
      field,
      `an integer in ${MIN_ZOOM}..${MAX_ZOOM}`,
      zoom,
    );
  }
}

export function assertZoomRange(minZoom: number, maxZoom: number, field = 'zoom'): void {
  assertZoom(minZoom, `${field}.min`);
  assertZoom(maxZoom, `${field}.max`);
  if (minZoom > maxZoom) {
    throw new GeoValidationError(
      GeoErrorCode.MIN_GREATER_THAN_MAX,
      `${field}.min`,
      `at most ${field}.max (${maxZoom})`,
      minZoom,
    );
  }
}

export function assertLongitude(longitude: number, field = 'longitude'): void {
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    throw new GeoValidationError(GeoErrorCode.INVALID_COORDINATE, field, 'a number in -180..180', longitude);
  }
}

export function assertLatitude(latitude: number, field = 'latitude'): void {
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    throw new GeoValidationError(GeoErrorCode.INVALID_COORDINATE, field, 'a number in -90..90', latitude);
  }
}

/** A bbox may cross the antimeridian (west > east) but south must not exceed north. */
export function assertBBox(bbox: BBox, field = 'bbox'): void {
  if (!Array.isArray(bbox) || bbox.length !== 4) {
    throw new GeoValidationError(GeoErrorCode.INVALID_COORDINATE, field, '[west, south, east, north]', bbox);
  }
  const [west, south, east, north] = bbox;
  assertLongitude(west, `${field}[0]`);
  assertLatitude(south, `${field}[1]`);
  assertLongitude(east, `${field}[2]`);
  assertLatitude(north, `${field}[3]`);
  if (south > north) {
    throw new GeoValidationError(
      GeoErrorCode.MIN_GREATER_THAN_MAX,
      `${field}[1]`,
      `at most ${field}[3] (north, ${north})`,
      south,
    );
  }
}

export function assertTile(tile: TileCoord, field = 'tile'): void {
  assertZoom(tile.z, `${field}.z`);
  const side = tilesPerSide(tile.z);
  for (const axis of ['x', 'y'] as const) {
    const value = tile[axis];
    if (!Number.isInteger(value) || value < 0 || value >= side) {
      throw new GeoValidationError(
        GeoErrorCode.INVALID_TILE,
        `${field}.${axis}`,
        `an integer in 0..${side - 1} at zoom ${tile.z}`,
        value,
      );
    }
  }
}
