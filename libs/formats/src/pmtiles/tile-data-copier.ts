import type { FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../tileset/abort';
import { planSpoolReads, type SpoolPiece, type SpoolRead } from './spool-read-plan';
import type { TileSpool } from './tile-spool';

/** Tile data assembled in memory before one write to the archive, in bytes (two such chunks alternate). */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Spool reads in flight at once: the default libuv thread pool runs four. */
const READ_CONCURRENCY = 4;
const READ_LIMITS = {
  /** bytes: copying this much unneeded page-cache data costs less than another thread-pool round trip */
  maxGapBytes: 128 * 1024,
  /** bytes: the size of each reader's scratch buffer */
  maxReadBytes: 2 * 1024 * 1024,
};

/** Where each distinct body sits in the spool (bytes), by content index. */
export interface SpooledContents {
  contentSpoolOffsets: Float64Array;
  contentLengths: Uint32Array;
}

/**
 * Writes the tile data section: the distinct bodies in `writeOrder` (tile-id order), back to back from
 * `position` in `output`. Works a chunk at a time: the chunk's bodies are fetched from the spool with few
 * large reads (planSpoolReads), and the chunk is written with one call while the next one is assembled.
 */
export async function copyTileData(
  spool: TileSpool,
  contents: SpooledContents,
  writeOrder: Uint32Array,
  output: FileHandle,
  position: number,
  signal?: AbortSignal,
): Promise<void> {
  const { contentSpoolOffsets, contentLengths } = contents;
  const chunks = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const scratch = Array.from({ length: READ_CONCURRENCY }, () =>
    Buffer.allocUnsafe(READ_LIMITS.maxReadBytes),
  );
  let writing: Promise<unknown> = Promise.resolve();
  let writePosition = position;
  let next = 0;
  try {
    for (let chunkNumber = 0; next < writeOrder.length; chunkNumber += 1) {
      throwIfAborted(signal);
      // Bodies [next, end) fill this chunk; a body longer than a chunk gets a buffer of its own.
      const pieces: SpoolPiece[] = [];
      let chunkLength = 0;
      let end = next;
      for (; end < writeOrder.length; end += 1) {
        const length = contentLengths[writeOrder[end]];
        if (end > next && chunkLength + length > CHUNK_BYTES) break;
        pieces.push({ spoolOffset: contentSpoolOffsets[writeOrder[end]], length, chunkOffset: chunkLength });
        chunkLength += length;
      }
      const chunk = chunkLength > CHUNK_BYTES ? Buffer.allocUnsafe(chunkLength) : chunks[chunkNumber % 2];
      // This buffer's last write (two chunks ago) finished before the previous chunk's write began, so it
      // fills while the previous chunk is being written.
      await fillChunk(spool, chunk, planSpoolReads(pieces, READ_LIMITS), scratch);
      await writing;
      writing = output.write(chunk, 0, chunkLength, writePosition);
      // Handled here too, so a failing write is not reported as unhandled while the next chunk fills.
      writing.catch(() => undefined);
      writePosition += chunkLength;
      next = end;
    }
  } finally {
    // Settle the last write before the caller closes the file, even when filling failed.
    await Promise.allSettled([writing]);
  }
  await writing;
}

async function fillChunk(
  spool: TileSpool,
  chunk: Buffer,
  reads: SpoolRead[],
  scratch: Buffer[],
): Promise<void> {
  let taken = 0;
  const reader = async (buffer: Buffer): Promise<void> => {
    while (taken < reads.length) {
      const read = reads[taken];
      taken += 1;
      if (read.direct) {
        await spool.readInto(chunk, read.pieces[0].chunkOffset, read.length, read.spoolOffset);
        continue;
      }
      await spool.readInto(buffer, 0, read.length, read.spoolOffset);
      for (const piece of read.pieces) {
        const from = piece.spoolOffset - read.spoolOffset;
        buffer.copy(chunk, piece.chunkOffset, from, from + piece.length);
      }
    }
  };
  await Promise.all(scratch.slice(0, Math.min(scratch.length, reads.length)).map(reader));
}
