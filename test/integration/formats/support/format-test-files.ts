import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PMTiles } from 'pmtiles';
import { PmtilesFileSource, type PackageTile } from '@map-offline/formats';

/** A fresh directory under the OS temp dir; remove it in afterAll. */
export async function makeTemporaryDirectory(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `map-offline-${label}-`));
}

export async function removeDirectory(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Deterministic Fisher-Yates shuffle (mulberry32), so "any order" tests are reproducible. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

/** Yields the tiles asynchronously, as a storage stream would. */
export async function* asAsync(tiles: Iterable<PackageTile>): AsyncGenerator<PackageTile> {
  for (const tile of tiles) yield tile;
}

/** The `pmtiles` package's reader over a local file, reading byte ranges as it would over HTTP. */
export async function openPmtiles(path: string): Promise<{ reader: PMTiles; close: () => Promise<void> }> {
  const source = await PmtilesFileSource.open(path);
  return { reader: new PMTiles(source), close: () => source.close() };
}

export function distinctBodyBytes(tiles: readonly PackageTile[]): { count: number; bytes: number } {
  const seen = new Map<string, number>();
  for (const tile of tiles) seen.set(tile.sha256, tile.bytes.length);
  let bytes = 0;
  for (const length of seen.values()) bytes += length;
  return { count: seen.size, bytes };
}
