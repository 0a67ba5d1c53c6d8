import { CoverArea, prepareCoverArea } from './cover-area';
import { GeoErrorCode, GeoValidationError } from './geo-error';
import { PolygonalGeometry } from './polygon-validation';
import { RowSweep } from './row-sweep';
import { TileCoord } from './tile-coord';
import { assertZoom, assertZoomRange } from './validation';

/** Tiles x = minX..maxX (inclusive) of row y at zoom z: the unit the cover is produced in. */
export interface TileRun {
  z: number;
  y: number;
  minX: number;
  maxX: number;
}

export interface ZoomCount {
  zoom: number;
  count: number;
}

/** A slice of one zoom's cover in stream order: tiles offset .. offset + count - 1. Plain JSON for job payloads. */
export interface CoverBatch {
  zoom: number;
  offset: number;
  count: number;
}

export interface CoverZooms {
  minZoom: number;
  maxZoom: number;
}

/** Where each group of identical rows starts in the stream of one zoom; built once, for seeking. */
interface ZoomIndex {
  startRow: number[];
  rowCount: number[];
  tilesPerRow: number[];
  /** Tiles in the stream before the group. */
  tilesBefore: number[];
}

/**
 * The exact tile cover of an area over a zoom range. Nothing is enumerated up front: counts come from
 * row runs, tiles are streamed zoom by zoom (ascending) and, inside a zoom, row by row from north to
 * south and west to east (row-major, so consecutive tiles are neighbours). A batch (zoom, offset, count)
 * resumes the stream without enumerating the tiles before it.
 */
export class CoverPlan {
  private readonly counts = new Map<number, number>();
  private readonly indexes = new Map<number, ZoomIndex>();

  private constructor(
    private readonly area: CoverArea,
    readonly minZoom: number,
    readonly maxZoom: number,
  ) {}

  static create(geometry: PolygonalGeometry, zooms: CoverZooms): CoverPlan {
    assertZoomRange(zooms.minZoom, zooms.maxZoom);
    return new CoverPlan(prepareCoverArea(geometry), zooms.minZoom, zooms.maxZoom);
  }

  /** Tiles at one zoom; one sweep over the rows (memoised). */
  countAt(zoom: number): number {
    this.assertPlannedZoom(zoom);
    let count = this.counts.get(zoom);
    if (count === undefined) {
      count = 0;
      const sweep = new RowSweep(this.area, zoom);
      while (sweep.next()) count += sweep.groupRows * sweep.tilesPerRow;
      this.counts.set(zoom, count);
    }
    return count;
  }

  get zoomCounts(): ZoomCount[] {
    const counts: ZoomCount[] = [];
    for (let zoom = this.minZoom; zoom <= this.maxZoom; zoom += 1)
      counts.push({ zoom, count: this.countAt(zoom) });
    return counts;
  }

  get total(): number {
    return this.zoomCounts.reduce((sum, entry) => sum + entry.count, 0);
  }

  /** Row runs of one zoom, north to south; the cheapest way to walk a cover. */
  *runs(zoom: number): Generator<TileRun> {
    this.assertPlannedZoom(zoom);
    const sweep = new RowSweep(this.area, zoom);
    while (sweep.next()) {
      const intervals = sweep.intervals;
      for (let y = sweep.groupStart; y < sweep.groupStart + sweep.groupRows; y += 1) {
        for (let index = 0; index < intervals.length; index += 2) {
          yield { z: zoom, y, minX: intervals[index], maxX: intervals[index + 1] };
        }
      }
    }
  }

  /** Every tile of every planned zoom, in stream order. */
  *tiles(): Generator<TileCoord> {
    for (let zoom = this.minZoom; zoom <= this.maxZoom; zoom += 1) yield* this.tilesAt(zoom);
  }

  /**
   * Tiles `offset .. offset + count - 1` of one zoom's stream. Seeking costs one sweep of the zoom the
   * first time (the row index is kept, about 32 bytes per row group) and a binary search after that.
   */
  *tilesAt(zoom: number, offset = 0, count = Infinity): Generator<TileCoord> {
    this.assertPlannedZoom(zoom);
    assertSliceNumber(offset, 'offset');
    if (count !== Infinity) assertSliceNumber(count, 'count');
    if (count === 0) return;
    const sweep = new RowSweep(this.area, zoom);
    let skip = 0;
    if (offset > 0) {
      const start = this.locate(zoom, offset);
      if (start === undefined) return;
      sweep.seek(start.row);
      skip = start.skip;
    }
    let left = count;
    while (sweep.next()) {
      const intervals = sweep.intervals;
      for (let y = sweep.groupStart; y < sweep.groupStart + sweep.groupRows; y += 1) {
        for (let index = 0; index < intervals.length; index += 2) {
          let minX = intervals[index];
          const maxX = intervals[index + 1];
          if (skip > 0) {
            const width = maxX - minX + 1;
            if (skip >= width) {
              skip -= width;
              continue;
            }
            minX += skip;
            skip = 0;
          }
          for (let x = minX; x <= maxX; x += 1) {
            yield { z: zoom, x, y };
            left -= 1;
            if (left === 0) return;
          }
        }
      }
    }
  }

  /** The stream cut into batches of at most `size` tiles; a batch never spans two zooms. */
  *batches(size: number): Generator<CoverBatch> {
    if (!Number.isInteger(size) || size < 1) {
      throw new GeoValidationError(GeoErrorCode.INVALID_BATCH, 'size', 'an integer >= 1', size);
    }
    for (let zoom = this.minZoom; zoom <= this.maxZoom; zoom += 1) {
      const total = this.countAt(zoom);
      for (let offset = 0; offset < total; offset += size) {
        yield { zoom, offset, count: Math.min(size, total - offset) };
      }
    }
  }

  /** The tiles of a batch from batches() (or any valid slice). */
  tilesOf(batch: CoverBatch): Generator<TileCoord> {
    return this.tilesAt(batch.zoom, batch.offset, batch.count);
  }

  /** Row and tiles to skip in it for a stream offset, or undefined past the end. */
  private locate(zoom: number, offset: number): { row: number; skip: number } | undefined {
    const index = this.indexFor(zoom);
    let low = 0;
    let high = index.startRow.length - 1;
    if (high < 0) return undefined;
    // Last group starting at or before the offset.
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (index.tilesBefore[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    const within = offset - index.tilesBefore[low];
    const rowInGroup = Math.floor(within / index.tilesPerRow[low]);
    if (rowInGroup >= index.rowCount[low]) return undefined;
    return { row: index.startRow[low] + rowInGroup, skip: within - rowInGroup * index.tilesPerRow[low] };
  }

  private indexFor(zoom: number): ZoomIndex {
    let index = this.indexes.get(zoom);
    if (index === undefined) {
      index = { startRow: [], rowCount: [], tilesPerRow: [], tilesBefore: [] };
      const sweep = new RowSweep(this.area, zoom);
      let tiles = 0;
      while (sweep.next()) {
        if (sweep.tilesPerRow === 0) continue;
        index.startRow.push(sweep.groupStart);
        index.rowCount.push(sweep.groupRows);
        index.tilesPerRow.push(sweep.tilesPerRow);
        index.tilesBefore.push(tiles);
        tiles += sweep.groupRows * sweep.tilesPerRow;
      }
      this.indexes.set(zoom, index);
      this.counts.set(zoom, tiles);
    }
    return index;
  }

  private assertPlannedZoom(zoom: number): void {
    assertZoom(zoom);
    if (zoom < this.minZoom || zoom > this.maxZoom) {
      throw new GeoValidationError(
        GeoErrorCode.ZOOM_OUT_OF_RANGE,
        'zoom',
        `a zoom of this plan, ${this.minZoom}..${this.maxZoom}`,
        zoom,
      );
    }
  }
}

function assertSliceNumber(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new GeoValidationError(GeoErrorCode.INVALID_BATCH, field, 'an integer >= 0', value);
  }
}

/** Plan the cover of an area over a zoom range (validates the geometry and zooms). */
export function planCover(geometry: PolygonalGeometry, zooms: CoverZooms): CoverPlan {
  return CoverPlan.create(geometry, zooms);
}

/** Tiles covering the area at one zoom, without enumerating them. */
export function countCover(geometry: PolygonalGeometry, zoom: number): number {
  return planCover(geometry, { minZoom: zoom, maxZoom: zoom }).countAt(zoom);
}

/** The tiles covering the area at one zoom, streamed in row-major order. */
export function coverTiles(geometry: PolygonalGeometry, zoom: number): Generator<TileCoord> {
  return planCover(geometry, { minZoom: zoom, maxZoom: zoom }).tilesAt(zoom);
}
