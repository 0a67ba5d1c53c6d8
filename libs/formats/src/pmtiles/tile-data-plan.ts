import { FormatError, FormatErrorCode } from '../format-error';
import { describeTile } from '../tileset/tile-intake';
import { DirectoryEntries } from './directory-entries';
import { tileIdToZxy } from './hilbert-tile-id';
import type { CollectedTiles } from './tile-collection';

/** The largest run length a directory entry can hold (a 32-bit varint by convention of readers). */
const MAX_RUN_LENGTH = 0xffffffff;

export interface TileDataPlan {
  entries: DirectoryEntries;
  /** Distinct bodies in the order they are written to the tile data section. */
  contentWriteOrder: Uint32Array;
  tileDataLength: number;
  addressedTiles: number;
}

/**
 * Second pass, no tile bytes involved: sort tiles by tile id, then walk them once. A body is placed in the
 * tile data section the first time its tile id comes up (so the section is clustered: in tile-id order, with
 * later duplicates pointing back to the earlier offset), and consecutive tile ids with the same body fold
 * into one entry with a longer run length.
 */
export function planTileData(collected: CollectedTiles): TileDataPlan {
  const { tileCount, tileIds, contentIndexes, contentLengths } = collected;
  const order = sortedOrder(tileIds, tileCount);
  const placedOffsets = new Float64Array(collected.contentCount).fill(-1);
  const contentWriteOrder = new Uint32Array(collected.contentCount);
  let placedCount = 0;
  let tileDataLength = 0;
  const entries = new DirectoryEntries(Math.min(tileCount, 1 << 16));
  let previousContent = -1;

  for (let position = 0; position < tileCount; position += 1) {
    const tile = order[position];
    const tileId = tileIds[tile];
    const content = contentIndexes[tile];
    if (position > 0 && tileIds[order[position - 1]] === tileId) {
      throw new FormatError(
        FormatErrorCode.DUPLICATE_TILE,
        `tile ${describeTile(tileIdToZxy(tileId))} arrived twice`,
      );
    }
    if (placedOffsets[content] < 0) {
      placedOffsets[content] = tileDataLength;
      tileDataLength += contentLengths[content];
      contentWriteOrder[placedCount] = content;
      placedCount += 1;
    }
    const last = entries.count - 1;
    if (
      last >= 0 &&
      content === previousContent &&
      tileId === entries.tileIds[last] + entries.runLengths[last] &&
      entries.runLengths[last] < MAX_RUN_LENGTH
    ) {
      entries.runLengths[last] += 1;
    } else {
      entries.push(tileId, placedOffsets[content], contentLengths[content], 1);
    }
    previousContent = content;
  }
  return { entries, contentWriteOrder, tileDataLength, addressedTiles: tileCount };
}

/** Tile indexes in ascending tile-id order; callers that already send Hilbert order skip the sort. */
function sortedOrder(tileIds: Float64Array, count: number): Uint32Array {
  const order = new Uint32Array(count);
  let sorted = true;
  for (let index = 0; index < count; index += 1) {
    order[index] = index;
    if (index > 0 && tileIds[index] < tileIds[index - 1]) sorted = false;
  }
  if (!sorted) order.sort((left, right) => tileIds[left] - tileIds[right]);
  return order;
}
