import { CoverArea } from './cover-area';
import { latitudeToTileYFraction, tileYToLatitude } from './mercator';
import { tilesPerSide } from './tile-coord';

/**
 * Walks the tile rows of one zoom from north to south and gives, per row, the columns whose tile
 * overlaps the area with positive area (the boundary rule, see README). Rows come in groups: rows that
 * no vertex touches and whose crossing edges are all meridians (vertical in lon/lat) share the same
 * columns, so a bbox-like area costs O(vertices), not O(rows).
 *
 * Per row: the open latitude strip (south, north) is cut at every vertex latitude inside it into
 * sub-strips where each crossing edge is a straight segment and (for valid input) no two edges cross.
 * In a sub-strip the edges are ordered at the middle latitude and paired by the winding rule; the area
 * between a pair is a trapezoid whose longitude extent is min/max of its sides at the two sub-strip
 * edges. A tile column overlaps the trapezoid iff its open longitude interval meets that extent.
 * Sub-strips where edges do cross (overlapping MultiPolygon parts, self-touching rings) are cut again
 * at the crossing latitudes.
 *
 * The first and last rows reach the poles (90 and -90 degrees), as lonLatToTile clamps latitudes.
 */
export class RowSweep {
  readonly side: number;
  readonly firstRow: number;
  readonly lastRow: number;
  /** First row of the current group, valid after next() returned true. */
  groupStart = 0;
  /** Rows in the current group; they all have the same columns. */
  groupRows = 0;
  /** Inclusive, sorted, disjoint column intervals of the group: [minX, maxX, minX, maxX, ...]. */
  readonly intervals: number[] = [];
  /** Tiles in each row of the group (sum of interval lengths). */
  tilesPerRow = 0;

  private nextRow: number;
  /** Edges [0, pending) have been activated: their north end is above the current row's south. */
  private pending = 0;
  private readonly active: Int32Array;
  private activeCount = 0;
  /** Vertex latitudes inside the current row (reused buffer, `eventCount` used). */
  private readonly events: Float64Array;
  /** Edges spanning the current sub-strip in west-to-east order (reused buffer, `slabCount` used). */
  private readonly slab: Int32Array;
  private slabCount = 0;
  /** Column intervals of the current row before merging: [minX, maxX, ...] (`rawCount` numbers used). */
  private rawIntervals: Int32Array = new Int32Array(64);
  private rawCount = 0;
  /** Latitude of row edge `cachedEdge` (row edge y = north edge of row y); rows are walked in order. */
  private cachedEdge = -1;
  private cachedEdgeLatitude = 0;
  private readonly longitudeAtMiddle: Float64Array;
  private readonly longitudeAtSouth: Float64Array;
  private readonly longitudeAtNorth: Float64Array;
  private rowIsUniform = false;

  constructor(
    private readonly area: CoverArea,
    readonly zoom: number,
  ) {
    this.side = tilesPerSide(zoom);
    const [west, south, east, north] = area.bbox;
    if (area.edgeCount === 0 || west > east) {
      this.firstRow = 0;
      this.lastRow = -1;
    } else {
      // One row of slack each way: rows the area does not reach simply come out empty.
      this.firstRow = Math.max(0, Math.floor(latitudeToTileYFraction(north, zoom)) - 1);
      this.lastRow = Math.min(this.side - 1, Math.floor(latitudeToTileYFraction(south, zoom)) + 1);
    }
    this.nextRow = this.firstRow;
    this.active = new Int32Array(area.edgeCount);
    this.slab = new Int32Array(area.edgeCount);
    this.events = new Float64Array(2 * area.edgeCount);
    this.longitudeAtMiddle = new Float64Array(area.edgeCount);
    this.longitudeAtSouth = new Float64Array(area.edgeCount);
    this.longitudeAtNorth = new Float64Array(area.edgeCount);
  }

  /** Latitude of the row's north edge in degrees; the first row reaches the north pole. */
  north(row: number): number {
    return row === 0 ? 90 : this.rowEdgeLatitude(row);
  }

  /** Latitude of the row's south edge in degrees; the last row reaches the south pole. */
  south(row: number): number {
    return row === this.side - 1 ? -90 : this.rowEdgeLatitude(row + 1);
  }

  /** tileYToLatitude, remembered for the last edge asked: a row's south edge is the next row's north. */
  private rowEdgeLatitude(edge: number): number {
    if (edge !== this.cachedEdge) {
      this.cachedEdge = edge;
      this.cachedEdgeLatitude = tileYToLatitude(edge, this.zoom);
    }
    return this.cachedEdgeLatitude;
  }

  /** Restart the sweep so the next group starts at `row`; O(edges). */
  seek(row: number): void {
    this.nextRow = Math.max(row, this.firstRow);
    if (this.nextRow > this.lastRow) return;
    const south = this.south(this.nextRow);
    const north = this.north(this.nextRow);
    const { highLatitude, lowLatitude, edgeCount } = this.area;
    let low = 0;
    let high = edgeCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (highLatitude[middle] > south) low = middle + 1;
      else high = middle;
    }
    this.pending = low;
    this.activeCount = 0;
    for (let edge = 0; edge < this.pending; edge += 1) {
      if (lowLatitude[edge] < north) this.active[this.activeCount++] = edge;
    }
  }

  /** Compute the next group of rows; false when the area's rows are exhausted. */
  next(): boolean {
    if (this.nextRow > this.lastRow) return false;
    const row = this.nextRow;
    this.computeRow(row);
    const lastRowOfGroup = this.rowIsUniform ? this.lastUniformRow(row) : row;
    this.groupStart = row;
    this.groupRows = lastRowOfGroup - row + 1;
    this.nextRow = lastRowOfGroup + 1;
    return true;
  }

  private computeRow(row: number): void {
    const { highLatitude, lowLatitude, slope, edgeCount } = this.area;
    const north = this.north(row);
    const south = this.south(row);
    while (this.pending < edgeCount && highLatitude[this.pending] > south) {
      this.active[this.activeCount++] = this.pending++;
    }
    const events = this.events;
    let eventCount = 0;
    let allMeridians = true;
    let kept = 0;
    for (let index = 0; index < this.activeCount; index += 1) {
      const edge = this.active[index];
      // Sweeping south: an edge ending at or above this row's north edge is finished for good.
      if (lowLatitude[edge] >= north) continue;
      this.active[kept++] = edge;
      if (highLatitude[edge] < north) events[eventCount++] = highLatitude[edge];
      if (lowLatitude[edge] > south) events[eventCount++] = lowLatitude[edge];
      if (slope[edge] !== 0) allMeridians = false;
    }
    this.activeCount = kept;
    this.rawCount = 0;
    if (eventCount === 0) {
      this.processSlab(south, north, true);
    } else {
      // Typed-array sort is numeric.
      const sorted = events.subarray(0, eventCount).sort();
      let slabSouth = south;
      for (let index = 0; index < eventCount; index += 1) {
        const latitude = sorted[index];
        if (latitude <= slabSouth) continue;
        this.processSlab(slabSouth, latitude, true);
        slabSouth = latitude;
      }
      this.processSlab(slabSouth, north, true);
    }
    this.mergeIntervals();
    this.rowIsUniform = eventCount === 0 && allMeridians;
  }

  /** Last row below `row` that no vertex reaches and no new edge enters; its columns equal `row`'s. */
  private lastUniformRow(row: number): number {
    const { highLatitude, lowLatitude, edgeCount } = this.area;
    let change = this.pending < edgeCount ? highLatitude[this.pending] : -Infinity;
    for (let index = 0; index < this.activeCount; index += 1) {
      change = Math.max(change, lowLatitude[this.active[index]]);
    }
    if (change === -Infinity) return this.lastRow;
    // A row qualifies while its south edge is still at or north of the change latitude.
    let last = Math.floor(latitudeToTileYFraction(change, this.zoom)) - 1;
    last = Math.min(this.lastRow, Math.max(row, last));
    while (last < this.lastRow && this.south(last + 1) >= change) last += 1;
    while (last > row && this.south(last) < change) last -= 1;
    return last;
  }

  private longitudeAt(edge: number, latitude: number): number {
    const area = this.area;
    const low = area.lowLatitude[edge];
    // Exact at the ends, so edges sharing a vertex compare equal there.
    if (latitude === low) return area.longitudeAtLow[edge];
    if (latitude === area.highLatitude[edge]) return area.longitudeAtHigh[edge];
    return area.longitudeAtLow[edge] + (latitude - low) * area.slope[edge];
  }

  private processSlab(south: number, north: number, mayCut: boolean): void {
    const { lowLatitude, highLatitude } = this.area;
    const slab = this.slab;
    const middleLongitude = this.longitudeAtMiddle;
    const middle = (south + north) / 2;
    let slabCount = 0;
    for (let index = 0; index < this.activeCount; index += 1) {
      const edge = this.active[index];
      if (lowLatitude[edge] <= south && highLatitude[edge] >= north) {
        const longitude = this.longitudeAt(edge, middle);
        middleLongitude[edge] = longitude;
        // Insertion sort: the order changes little from row to row, so this is close to linear.
        let position = slabCount++;
        while (position > 0 && middleLongitude[slab[position - 1]] > longitude) {
          slab[position] = slab[position - 1];
          position -= 1;
        }
        slab[position] = edge;
      }
    }
    this.slabCount = slabCount;
    if (slabCount === 0) return;
    // Keep the active list in scan order so the next row's insertion sort stays cheap.
    if (slabCount === this.activeCount) this.active.set(slab.subarray(0, slabCount));
    let crossing = false;
    for (let index = 0; index < slabCount; index += 1) {
      const edge = slab[index];
      this.longitudeAtSouth[edge] = this.longitudeAt(edge, south);
      this.longitudeAtNorth[edge] = this.longitudeAt(edge, north);
      if (index > 0) {
        const previous = slab[index - 1];
        if (
          this.longitudeAtSouth[previous] > this.longitudeAtSouth[edge] ||
          this.longitudeAtNorth[previous] > this.longitudeAtNorth[edge]
        ) {
          crossing = true;
        }
      }
    }
    if (crossing && mayCut) {
      const cuts = this.crossingLatitudes(south, north);
      if (cuts.length > 0) {
        let cutSouth = south;
        for (const latitude of [...cuts, north]) {
          this.processSlab(cutSouth, latitude, false);
          cutSouth = latitude;
        }
        return;
      }
    }
    this.emitSlab();
  }

  /** Latitudes strictly inside (south, north) where two edges of the current slab cross; rare path. */
  private crossingLatitudes(south: number, north: number): number[] {
    const slab = Array.from(this.slab.subarray(0, this.slabCount));
    const cuts: number[] = [];
    for (let first = 0; first < slab.length; first += 1) {
      for (let second = first + 1; second < slab.length; second += 1) {
        const west = slab[first];
        const east = slab[second];
        const gapSouth = this.longitudeAtSouth[east] - this.longitudeAtSouth[west];
        const gapNorth = this.longitudeAtNorth[east] - this.longitudeAtNorth[west];
        if (gapSouth >= 0 && gapNorth >= 0) continue;
        // The gap is linear in latitude: it is zero where it changes sign.
        const latitude = south + (gapSouth / (gapSouth - gapNorth)) * (north - south);
        if (latitude > south && latitude < north) cuts.push(latitude);
      }
    }
    cuts.sort((first, second) => first - second);
    return cuts.filter((latitude, index) => index === 0 || latitude !== cuts[index - 1]);
  }

  /** Pair the slab's edges by the positive winding rule and record the columns each filled span overlaps. */
  private emitSlab(): void {
    const { winding } = this.area;
    const south = this.longitudeAtSouth;
    const north = this.longitudeAtNorth;
    let count = 0;
    let enter = -1;
    for (let index = 0; index < this.slabCount; index += 1) {
      const edge = this.slab[index];
      const before = count;
      count += winding[edge];
      if (before <= 0 && count > 0) {
        enter = edge;
      } else if (before > 0 && count <= 0) {
        // Both sides coincide over the whole slab: a zero-width sliver has no area.
        if (south[enter] >= south[edge] && north[enter] >= north[edge]) continue;
        this.addColumns(Math.min(south[enter], north[enter]), Math.max(south[edge], north[edge]));
      }
    }
  }

  /** Columns whose open longitude interval meets the open interval (west, east) in degrees. */
  private addColumns(west: number, east: number): void {
    const first = Math.max(0, Math.floor(((west + 180) / 360) * this.side));
    const last = Math.min(this.side - 1, Math.ceil(((east + 180) / 360) * this.side) - 1);
    if (first > last) return;
    if (this.rawCount + 2 > this.rawIntervals.length) {
      const grown = new Int32Array(this.rawIntervals.length * 2);
      grown.set(this.rawIntervals);
      this.rawIntervals = grown;
    }
    this.rawIntervals[this.rawCount++] = first;
    this.rawIntervals[this.rawCount++] = last;
  }

  private mergeIntervals(): void {
    const raw = this.rawIntervals;
    const rawCount = this.rawCount;
    const merged = this.intervals;
    if (merged.length > 0) merged.length = 0;
    this.tilesPerRow = 0;
    if (rawCount === 0) return;
    let sorted = true;
    for (let index = 2; index < rawCount; index += 2) {
      if (raw[index] < raw[index - 2]) {
        sorted = false;
        break;
      }
    }
    let order: number[] | undefined;
    if (!sorted) {
      order = Array.from({ length: rawCount / 2 }, (_, index) => index * 2);
      order.sort((first, second) => raw[first] - raw[second]);
    }
    let start = -1;
    let end = -2;
    for (let position = 0; position < rawCount; position += 2) {
      const index = order === undefined ? position : order[position / 2];
      const first = raw[index];
      const last = raw[index + 1];
      if (first <= end + 1) {
        end = Math.max(end, last);
        continue;
      }
      if (start >= 0) {
        merged.push(start, end);
        this.tilesPerRow += end - start + 1;
      }
      start = first;
      end = last;
    }
    merged.push(start, end);
    this.tilesPerRow += end - start + 1;
  }
}
