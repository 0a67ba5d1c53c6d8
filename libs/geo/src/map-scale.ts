import { GeoErrorCode, GeoValidationError } from './geo-error';
import { MAX_ZOOM, MIN_ZOOM } from './tile-coord';
import { assertZoomRange } from './validation';
import { MERCATOR_HALF_WORLD_METRES } from './web-mercator-metres';

/**
 * Map scale 1:N <-> zoom. Scale N = ground metres per pixel at the equator / metres per screen pixel.
 * Ground metres per pixel at zoom z = 2 * pi * 6378137 / (256 * 2^z), so N halves with every zoom level.
 *
 * The screen pixel size is the only free parameter and three values are in use:
 * - ArcGIS (the default): 96 dpi with ArcGIS's 39.37 inches per metre -> zoom 0 = 1:591,657,527.591555,
 *   exactly the level-0 scale of the ArcGIS Online / Bing / Google tiling scheme, which is what ArcGIS
 *   layers' minScale / maxScale are compared against.
 * - 96 dpi with the international inch (0.0254 m) -> zoom 0 = 1:591,658,710.91 (2e-6 off ArcGIS).
 * - OGC WMTS "standardized rendering pixel" of 0.28 mm -> zoom 0 = 1:559,082,264.0287178
 *   (the GoogleMapsCompatible well-known scale set).
 */
export const ARCGIS_METRES_PER_PIXEL = 1 / (96 * 39.37);
export const INCH_96_DPI_METRES_PER_PIXEL = 0.0254 / 96;
export const OGC_METRES_PER_PIXEL = 0.00028;

/** Tiles are 256 px squares unless stated otherwise. */
export const DEFAULT_TILE_SIZE_PIXELS = 256;

/**
 * Published scales are rounded (ArcGIS lists 1:577,790.554289 for zoom 10; people type 577790), so a
 * scale within this many zoom levels (0.001 = 0.07 % in scale) of a whole zoom counts as that zoom.
 */
export const ZOOM_SNAP_TOLERANCE = 1e-3;

export interface MapScaleOptions {
  /** Size of one screen pixel in metres; default ARCGIS_METRES_PER_PIXEL. */
  metresPerPixel?: number;
  /** Tile width in pixels; default 256. */
  tileSizePixels?: number;
}

export interface ZoomRange {
  minZoom: number;
  maxZoom: number;
}

export type ZoomRounding = 'nearest' | 'floor' | 'ceil';

/** Scale denominator at zoom 0 (about 591,657,527.59 with the ArcGIS default). */
export function scaleAtZoomZero(options: MapScaleOptions = {}): number {
  const metresPerPixel = options.metresPerPixel ?? ARCGIS_METRES_PER_PIXEL;
  const tileSizePixels = options.tileSizePixels ?? DEFAULT_TILE_SIZE_PIXELS;
  assertPositive(metresPerPixel, 'metresPerPixel');
  assertPositive(tileSizePixels, 'tileSizePixels');
  const groundMetresPerPixel = (2 * MERCATOR_HALF_WORLD_METRES) / tileSizePixels;
  return groundMetresPerPixel / metresPerPixel;
}

/** Scale denominator N of 1:N at a (possibly fractional) zoom in 0..24. */
export function zoomToScale(zoom: number, options: MapScaleOptions = {}): number {
  if (!Number.isFinite(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) {
    throw new GeoValidationError(
      GeoErrorCode.ZOOM_OUT_OF_RANGE,
      'zoom',
      `a number in ${MIN_ZOOM}..${MAX_ZOOM}`,
      zoom,
    );
  }
  return scaleAtZoomZero(options) / 2 ** zoom;
}

/** The exact fractional zoom of a scale denominator: log2(scale at zoom 0 / scale). Not clamped. */
export function scaleToZoom(scale: number, options: MapScaleOptions = {}): number {
  assertPositive(scale, 'scale');
  return Math.log2(scaleAtZoomZero(options) / scale);
}

/**
 * A whole zoom level for a scale, clamped to 0..24. 'floor' and 'ceil' first snap scales within
 * ZOOM_SNAP_TOLERANCE of a whole zoom onto it, so a rounded published scale does not slip a level.
 */
export function scaleToZoomLevel(
  scale: number,
  rounding: ZoomRounding = 'nearest',
  options: MapScaleOptions = {},
): number {
  const zoom = scaleToZoom(scale, options);
  const whole = roundZoom(zoom, rounding);
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, whole));
}

/**
 * ArcGIS layer visibility (minScale = the most zoomed-out scale at which the layer draws, maxScale =
 * the most zoomed-in; 0 means "no limit") as the whole zooms at which the layer draws:
 * minZoom = ceil(scaleToZoom(minScale)), maxZoom = floor(scaleToZoom(maxScale)), both snapped by
 * ZOOM_SNAP_TOLERANCE and clamped to `bounds` (default 0..24). Returns undefined when no whole zoom
 * lies between the two scales. Throws when maxScale > minScale (both non-zero).
 */
export function scaleRangeToZoomRange(
  scales: { minScale: number; maxScale: number },
  options: MapScaleOptions & { bounds?: ZoomRange } = {},
): ZoomRange | undefined {
  const { minScale, maxScale } = scales;
  assertScaleLimit(minScale, 'minScale');
  assertScaleLimit(maxScale, 'maxScale');
  if (minScale !== 0 && maxScale !== 0 && maxScale > minScale) {
    throw new GeoValidationError(
      GeoErrorCode.MIN_GREATER_THAN_MAX,
      'maxScale',
      `at most minScale (${minScale}); ArcGIS minScale is the larger, zoomed-out denominator`,
      maxScale,
    );
  }
  const bounds = options.bounds ?? { minZoom: MIN_ZOOM, maxZoom: MAX_ZOOM };
  assertZoomRange(bounds.minZoom, bounds.maxZoom, 'bounds');
  const minZoom = minScale === 0 ? bounds.minZoom : roundZoom(scaleToZoom(minScale, options), 'ceil');
  const maxZoom = maxScale === 0 ? bounds.maxZoom : roundZoom(scaleToZoom(maxScale, options), 'floor');
  const range = { minZoom: Math.max(bounds.minZoom, minZoom), maxZoom: Math.min(bounds.maxZoom, maxZoom) };
  return range.minZoom > range.maxZoom ? undefined : range;
}

function roundZoom(zoom: number, rounding: ZoomRounding): number {
  switch (rounding) {
    case 'nearest':
      return Math.round(zoom);
    case 'floor':
      return Math.floor(zoom + ZOOM_SNAP_TOLERANCE);
    case 'ceil':
      return Math.ceil(zoom - ZOOM_SNAP_TOLERANCE);
  }
}

function assertPositive(value: number, field: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new GeoValidationError(GeoErrorCode.INVALID_SCALE, field, 'a finite number > 0', value);
  }
}

function assertScaleLimit(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new GeoValidationError(
      GeoErrorCode.INVALID_SCALE,
      field,
      'a finite number >= 0 (0 = no limit)',
      value,
    );
  }
}
