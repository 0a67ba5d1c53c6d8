import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatErrorCode } from '../format-error';
import { copyTileData } from './tile-data-copier';
import { TileSpool } from './tile-spool';

describe('copyTileData', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'tile-data-copier-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** Spools `bodies` in order and returns their offsets and lengths. */
  async function spoolOf(bodies: Buffer[]) {
    const spool = await TileSpool.create(join(directory, 'spool'));
    const offsets: number[] = [];
    for (const body of bodies) offsets.push(await spool.append(body));
    await spool.flush();
    return {
      spool,
      contents: {
        contentSpoolOffsets: Float64Array.from(offsets),
        contentLengths: Uint32Array.from(bodies.map((body) => body.length)),
      },
    };
  }

  it('writes the bodies in write order, across chunks, with a body above the chunk size, from any spool order', async () => {
    // Many small bodies (read through shared scratch reads), a few of MiBs (several 8 MiB chunks), one of 9 MiB.
    const sizes = [
      ...Array.from({ length: 3_000 }, (_, index) => 100 + ((index * 7919) % 4_000)),
      3 << 20,
      5 << 20,
      9 << 20,
      1 << 20,
    ];
    const bodies = sizes.map((size) => randomBytes(size));
    const { spool, contents } = await spoolOf(bodies);
    // A scrambled order that still keeps runs of spool neighbours together, as Hilbert order does.
    const order = Uint32Array.from(
      bodies.map((_, index) => index).sort((left, right) => (left % 13) - (right % 13) || left - right),
    );
    const outputPath = join(directory, 'out');
    const output = await open(outputPath, 'w+');
    try {
      await copyTileData(spool, contents, order, output, 100);
    } finally {
      await output.close();
      await spool.dispose();
    }
    const written = readFileSync(outputPath);
    const expected = Buffer.concat([...order].map((index) => bodies[index]));
    expect(written.length).toBe(100 + expected.length);
    expect(written.subarray(100).equals(expected)).toBe(true);
  });

  it('stops with ABORTED when the signal has fired', async () => {
    const { spool, contents } = await spoolOf([randomBytes(10)]);
    const output = await open(join(directory, 'out'), 'w+');
    const controller = new AbortController();
    controller.abort();
    try {
      await expect(
        copyTileData(spool, contents, Uint32Array.of(0), output, 0, controller.signal),
      ).rejects.toMatchObject({ code: FormatErrorCode.ABORTED });
    } finally {
      await output.close();
      await spool.dispose();
    }
  });

  it('fails when the spool is shorter than an offset says', async () => {
    const { spool } = await spoolOf([randomBytes(10)]);
    const output = await open(join(directory, 'out'), 'w+');
    const contents = { contentSpoolOffsets: Float64Array.of(0), contentLengths: Uint32Array.of(20) };
    try {
      await expect(copyTileData(spool, contents, Uint32Array.of(0), output, 0)).rejects.toThrow(RangeError);
    } finally {
      await output.close();
      await spool.dispose();
    }
  });
});
