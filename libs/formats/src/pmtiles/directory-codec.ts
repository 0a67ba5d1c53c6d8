import { DirectoryEntries, type DirectoryEntry } from './directory-entries';
import { MAX_VARINT_BYTES, readVarint, writeVarint } from './varint';

/**
 * Serialises entries [start, end) as a PMTiles v3 directory (before compression): the entry count, then
 * all tile-id deltas, all run lengths, all lengths, then all offsets, where an offset that directly follows
 * the previous entry's bytes is written as 0 and any other offset as offset + 1.
 */
export function encodeDirectory(entries: DirectoryEntries, start = 0, end = entries.count): Buffer {
  const count = end - start;
  const buffer = Buffer.allocUnsafe(MAX_VARINT_BYTES * (1 + 4 * count));
  let position = writeVarint(buffer, 0, count);
  let previousTileId = 0;
  for (let index = start; index < end; index += 1) {
    position = writeVarint(buffer, position, entries.tileIds[index] - previousTileId);
    previousTileId = entries.tileIds[index];
  }
  for (let index = start; index < end; index += 1)
    position = writeVarint(buffer, position, entries.runLengths[index]);
  for (let index = start; index < end; index += 1)
    position = writeVarint(buffer, position, entries.lengths[index]);
  for (let index = start; index < end; index += 1) {
    const contiguous =
      index > start && entries.offsets[index] === entries.offsets[index - 1] + entries.lengths[index - 1];
    position = writeVarint(buffer, position, contiguous ? 0 : entries.offsets[index] + 1);
  }
  return buffer.subarray(0, position);
}

/** Parses an uncompressed directory back into entries. */
export function decodeDirectory(bytes: Uint8Array): DirectoryEntry[] {
  const [count, afterCount] = readVarint(bytes, 0);
  let position = afterCount;
  const entries: DirectoryEntry[] = [];
  let tileId = 0;
  for (let index = 0; index < count; index += 1) {
    let delta: number;
    [delta, position] = readVarint(bytes, position);
    tileId += delta;
    entries.push({ tileId, offset: 0, length: 0, runLength: 0 });
  }
  for (const entry of entries) [entry.runLength, position] = readVarint(bytes, position);
  for (const entry of entries) [entry.length, position] = readVarint(bytes, position);
  entries.forEach((entry, index) => {
    let encoded: number;
    [encoded, position] = readVarint(bytes, position);
    entry.offset =
      encoded === 0 && index > 0 ? entries[index - 1].offset + entries[index - 1].length : encoded - 1;
  });
  if (position !== bytes.length)
    throw new RangeError(`directory has ${bytes.length - position} trailing bytes`);
  return entries;
}
