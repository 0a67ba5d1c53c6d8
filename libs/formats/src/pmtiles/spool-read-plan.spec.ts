import fc from 'fast-check';
import { planSpoolReads, type SpoolPiece } from './spool-read-plan';

const LIMITS = { maxGapBytes: 10, maxReadBytes: 100 };

describe('planSpoolReads', () => {
  it('reads back-to-back pieces in chunk order with one direct read', () => {
    const reads = planSpoolReads(
      [
        { spoolOffset: 0, length: 5, chunkOffset: 0 },
        { spoolOffset: 5, length: 7, chunkOffset: 5 },
      ],
      LIMITS,
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ spoolOffset: 0, length: 12, direct: true });
  });

  it('bridges small gaps through a scratch read and splits at large gaps and at the read limit', () => {
    const reads = planSpoolReads(
      [
        { spoolOffset: 200, length: 50, chunkOffset: 0 },
        { spoolOffset: 0, length: 5, chunkOffset: 50 },
        { spoolOffset: 15, length: 5, chunkOffset: 55 },
        { spoolOffset: 31, length: 5, chunkOffset: 60 },
        { spoolOffset: 260, length: 50, chunkOffset: 65 },
      ],
      LIMITS,
    );
    expect(reads.map(({ spoolOffset, length, direct }) => [spoolOffset, length, direct])).toEqual([
      [0, 20, false],
      [31, 5, true],
      [200, 50, true],
      [260, 50, true],
    ]);
  });

  it('reads one piece longer than the read limit on its own, directly', () => {
    const reads = planSpoolReads([{ spoolOffset: 7, length: 500, chunkOffset: 0 }], LIMITS);
    expect(reads).toEqual([
      {
        spoolOffset: 7,
        length: 500,
        direct: true,
        pieces: [{ spoolOffset: 7, length: 500, chunkOffset: 0 }],
      },
    ]);
  });

  it('covers every piece exactly once within its read, whatever the layout', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ length: fc.integer({ min: 1, max: 60 }), gap: fc.integer({ min: 0, max: 30 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer(),
        (layout, seed) => {
          // Bodies lie in the spool in layout order; the chunk wants them in a shuffled order.
          let spoolOffset = 0;
          const inSpool = layout.map(({ length, gap }) => {
            spoolOffset += gap;
            const piece = { spoolOffset, length };
            spoolOffset += length;
            return piece;
          });
          const shuffled = [...inSpool].sort(
            (left, right) => ((left.spoolOffset * 31 + seed) % 97) - ((right.spoolOffset * 31 + seed) % 97),
          );
          let chunkOffset = 0;
          const pieces: SpoolPiece[] = shuffled.map((piece) => {
            const placed = { ...piece, chunkOffset };
            chunkOffset += piece.length;
            return placed;
          });
          const reads = planSpoolReads(pieces, LIMITS);
          expect(reads.flatMap((read) => read.pieces)).toHaveLength(pieces.length);
          expect(new Set(reads.flatMap((read) => read.pieces))).toEqual(new Set(pieces));
          for (const read of reads) {
            for (const piece of read.pieces) {
              expect(piece.spoolOffset).toBeGreaterThanOrEqual(read.spoolOffset);
              expect(piece.spoolOffset + piece.length).toBeLessThanOrEqual(read.spoolOffset + read.length);
            }
            if (read.pieces.length > 1) expect(read.length).toBeLessThanOrEqual(LIMITS.maxReadBytes);
            if (read.direct) {
              expect(read.length).toBe(read.pieces.reduce((sum, piece) => sum + piece.length, 0));
              read.pieces.forEach((piece) =>
                expect(piece.chunkOffset - read.pieces[0].chunkOffset).toBe(
                  piece.spoolOffset - read.spoolOffset,
                ),
              );
            }
          }
        },
      ),
    );
  });
});
