/** One body to copy: where it sits in the spool and where it goes in the chunk being assembled (bytes). */
export interface SpoolPiece {
  spoolOffset: number;
  length: number;
  chunkOffset: number;
}

/**
 * One read of the spool: bytes [spoolOffset, spoolOffset + length) holding `pieces` (in spool order).
 * `direct`: the pieces lie back to back in the spool and in the chunk, in the same order, so the read can
 * land in the chunk itself; otherwise it goes through a scratch buffer and each piece is copied out.
 */
export interface SpoolRead {
  spoolOffset: number;
  length: number;
  pieces: SpoolPiece[];
  direct: boolean;
}

export interface SpoolReadLimits {
  /** Bytes of unneeded spool read over rather than starting a second read. */
  maxGapBytes: number;
  /** Largest read that gathers several pieces (one piece may be longer and is read alone). */
  maxReadBytes: number;
}

/**
 * Groups the bodies of one chunk into few spool reads. Tiles arrive in listing order (zoom, column, row)
 * but the tile data section is in Hilbert order, so a chunk's bodies come from a handful of spool regions,
 * one per column it crosses: sorted by spool offset, neighbours closer than `maxGapBytes` share a read.
 * Reading a small gap costs a memory copy; another read costs a round trip through the thread pool.
 */
export function planSpoolReads(pieces: SpoolPiece[], limits: SpoolReadLimits): SpoolRead[] {
  const sorted = [...pieces].sort((left, right) => left.spoolOffset - right.spoolOffset);
  const reads: SpoolRead[] = [];
  let current: SpoolRead | undefined;
  for (const piece of sorted) {
    const end = piece.spoolOffset + piece.length;
    if (
      current !== undefined &&
      piece.spoolOffset - (current.spoolOffset + current.length) <= limits.maxGapBytes &&
      end - current.spoolOffset <= limits.maxReadBytes
    ) {
      const previous = current.pieces[current.pieces.length - 1];
      current.direct &&=
        piece.spoolOffset === previous.spoolOffset + previous.length &&
        piece.chunkOffset === previous.chunkOffset + previous.length;
      current.length = Math.max(current.length, end - current.spoolOffset);
      current.pieces.push(piece);
    } else {
      current = { spoolOffset: piece.spoolOffset, length: piece.length, pieces: [piece], direct: true };
      reads.push(current);
    }
  }
  return reads;
}
