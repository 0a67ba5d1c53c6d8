import fc from 'fast-check';
import {
  GeoErrorCode,
  OGC_METRES_PER_PIXEL,
  INCH_96_DPI_METRES_PER_PIXEL,
  scaleAtZoomZero,
  scaleRangeToZoomRange,
  scaleToZoom,
  scaleToZoomLevel,
  zoomToScale,
} from '@map-offline/geo';

const RUNS = { numRuns: 1000 };

describe('map scale <-> zoom', () => {
  it('uses the ArcGIS level-0 scale by default and offers the 0.0254 m inch and OGC pixels', () => {
    // ArcGIS publishes 591657527.591555; its constants differ from ours in the 13th digit.
    expect(scaleAtZoomZero()).toBeCloseTo(591_657_527.591555, 3);
    expect(scaleAtZoomZero({ metresPerPixel: INCH_96_DPI_METRES_PER_PIXEL })).toBeCloseTo(591_658_710.909, 2);
    expect(scaleAtZoomZero({ metresPerPixel: OGC_METRES_PER_PIXEL })).toBeCloseTo(559_082_264.0287178, 5);
    // ArcGIS Online tiling scheme, level 10 and 19.
    expect(zoomToScale(10)).toBeCloseTo(577_790.554289, 5);
    expect(zoomToScale(19)).toBeCloseTo(1_128.497176, 5);
    expect(zoomToScale(0, { metresPerPixel: OGC_METRES_PER_PIXEL, tileSizePixels: 512 })).toBeCloseTo(
      279_541_132.014,
      2,
    );
  });

  it('round-trips zoom -> scale -> zoom', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 24, noNaN: true }), (zoom) => {
        expect(scaleToZoom(zoomToScale(zoom))).toBeCloseTo(zoom, 9);
        expect(scaleToZoomLevel(zoomToScale(zoom), 'nearest')).toBe(Math.round(zoom));
      }),
      RUNS,
    );
  });

  it('halves the scale per zoom level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), (zoom) => {
        expect(zoomToScale(zoom) / zoomToScale(zoom + 1)).toBeCloseTo(2, 12);
      }),
      RUNS,
    );
  });

  it('snaps rounded published scales onto their zoom', () => {
    // 577790 is the zoom-10 scale 577790.554289 with the decimals cut off.
    expect(scaleToZoomLevel(577_790, 'ceil')).toBe(10);
    expect(scaleToZoomLevel(577_791, 'floor')).toBe(10);
    expect(scaleToZoomLevel(500_000, 'floor')).toBe(10);
    expect(scaleToZoomLevel(500_000, 'ceil')).toBe(11);
    expect(scaleToZoomLevel(1e12, 'nearest')).toBe(0);
    expect(scaleToZoomLevel(0.001, 'nearest')).toBe(24);
  });

  it('turns an ArcGIS minScale/maxScale pair into the zooms at which the layer draws', () => {
    expect(scaleRangeToZoomRange({ minScale: 0, maxScale: 0 })).toEqual({ minZoom: 0, maxZoom: 24 });
    expect(scaleRangeToZoomRange({ minScale: 577_790.554289, maxScale: 1_128.497176 })).toEqual({
      minZoom: 10,
      maxZoom: 19,
    });
    // Visible from 1:1,000,000 in (zoom 9.21) to 1:5,000 (zoom 16.85): whole zooms 10..16.
    expect(scaleRangeToZoomRange({ minScale: 1_000_000, maxScale: 5_000 })).toEqual({
      minZoom: 10,
      maxZoom: 16,
    });
    expect(
      scaleRangeToZoomRange({ minScale: 1_000_000, maxScale: 0 }, { bounds: { minZoom: 0, maxZoom: 18 } }),
    ).toEqual({
      minZoom: 10,
      maxZoom: 18,
    });
    // Both scales between zoom 10 and 11: no whole zoom draws the layer.
    expect(scaleRangeToZoomRange({ minScale: 560_000, maxScale: 400_000 })).toBeUndefined();
  });

  it('keeps every whole zoom whose scale lies in the pair, and no other', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 1e9, noNaN: true }),
        fc.double({ min: 100, max: 1e9, noNaN: true }),
        (first, second) => {
          const minScale = Math.max(first, second);
          const maxScale = Math.min(first, second);
          const range = scaleRangeToZoomRange({ minScale, maxScale });
          for (let zoom = 0; zoom <= 24; zoom += 1) {
            const scale = zoomToScale(zoom);
            // Away from the snap tolerance the answer is unambiguous.
            const clearlyInside = scale <= minScale * 0.999 && scale >= maxScale * 1.001;
            const clearlyOutside = scale > minScale * 1.001 || scale < maxScale * 0.999;
            const inRange = range !== undefined && zoom >= range.minZoom && zoom <= range.maxZoom;
            if (clearlyInside) expect(inRange).toBe(true);
            if (clearlyOutside) expect(inRange).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it('names the bad field', () => {
    expect(() => scaleToZoom(0)).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_SCALE, field: 'scale' }),
    );
    expect(() => zoomToScale(25)).toThrow(expect.objectContaining({ code: GeoErrorCode.ZOOM_OUT_OF_RANGE }));
    expect(() => scaleRangeToZoomRange({ minScale: 5_000, maxScale: 1_000_000 })).toThrow(
      expect.objectContaining({ code: GeoErrorCode.MIN_GREATER_THAN_MAX, field: 'maxScale' }),
    );
    expect(() => scaleRangeToZoomRange({ minScale: -1, maxScale: 0 })).toThrow(
      expect.objectContaining({ code: GeoErrorCode.INVALID_SCALE, field: 'minScale' }),
    );
  });
});
