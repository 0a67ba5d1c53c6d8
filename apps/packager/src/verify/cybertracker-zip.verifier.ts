import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import type { LayerEntry, PackageManifest } from '@map-offline/formats';
import { PackageVerificationError } from './expected-tiles';
import { readZipEntries, type ZipEntry } from './zip-central-directory';

export interface ExpectedZip {
  manifest: PackageManifest;
  /** the layers.json entries written, or undefined when there is none */
  layers?: LayerEntry[];
  /** every entry name the writer reported */
  entries: string[];
  /** the basemap entry and the SHA-256 of the MBTiles file verified tile by tile before zipping */
  basemap?: { entryName: string; sha256: string; bytes: number };
}

/** JSON entries are small; anything bigger is not a manifest. */
const MAX_JSON_ENTRY_BYTES = 16 * 1024 * 1024;

/**
 * Checks a written CyberTracker/SMART zip from its own bytes: every entry at the archive root and listed
 * once (names compared ignoring case), package.json and layers.json as intended, every layers.json
 * filename present, and the basemap stored uncompressed with exactly the bytes of the verified MBTiles.
 */
export async function verifyCyberTrackerZip(
  path: string,
  expected: ExpectedZip,
): Promise<{ entries: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const entries = await readZipEntries(handle, size);
    const names = entries.map((entry) => entry.name);
    const folded = new Set<string>();
    for (const name of names) {
      if (/[/\\]/.test(name)) throw new PackageVerificationError(`entry ${name} is not at the archive root`);
      if (folded.has(name.toLowerCase())) throw new PackageVerificationError(`entry ${name} appears twice`);
      folded.add(name.toLowerCase());
    }
    if ([...names].sort().join('\n') !== [...expected.entries].sort().join('\n')) {
      throw new PackageVerificationError(
        `entries are ${names.join(', ')}; expected ${expected.entries.join(', ')}`,
      );
    }
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    const manifest = await readJsonEntry(handle, byName.get('package.json'));
    if (!isDeepStrictEqual(manifest, expected.manifest)) {
      throw new PackageVerificationError('package.json differs from the package record');
    }
    if (expected.layers !== undefined) {
      const layers = await readJsonEntry(handle, byName.get('layers.json'));
      if (!isDeepStrictEqual(layers, expected.layers)) {
        throw new PackageVerificationError('layers.json differs from the layers written');
      }
      for (const layer of expected.layers) {
        if (!folded.has(layer.filename.toLowerCase())) {
          throw new PackageVerificationError(`layers.json names ${layer.filename}, which is not in the zip`);
        }
      }
    }
    if (expected.basemap)
      await verifyStoredEntry(path, byName.get(expected.basemap.entryName), expected.basemap);
    return { entries: entries.length };
  } finally {
    await handle.close();
  }
}

async function readJsonEntry(
  handle: Awaited<ReturnType<typeof open>>,
  entry: ZipEntry | undefined,
): Promise<unknown> {
  if (!entry) throw new PackageVerificationError('a JSON entry the package needs is missing');
  if (entry.compressedSize > MAX_JSON_ENTRY_BYTES)
    throw new PackageVerificationError(`${entry.name} is too large`);
  const raw = Buffer.alloc(entry.compressedSize);
  await handle.read(raw, 0, entry.compressedSize, entry.dataOffset);
  const bytes = entry.method === 8 ? inflateRawSync(raw) : raw;
  if (bytes.length !== entry.uncompressedSize)
    throw new PackageVerificationError(`${entry.name} has the wrong size`);
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

async function verifyStoredEntry(
  path: string,
  entry: ZipEntry | undefined,
  basemap: { entryName: string; sha256: string; bytes: number },
): Promise<void> {
  if (!entry) throw new PackageVerificationError(`the basemap ${basemap.entryName} is missing`);
  if (entry.method !== 0)
    throw new PackageVerificationError(`the basemap ${entry.name} must be stored, not deflated`);
  if (entry.uncompressedSize !== basemap.bytes) {
    throw new PackageVerificationError(
      `the basemap holds ${entry.uncompressedSize} bytes; the MBTiles has ${basemap.bytes}`,
    );
  }
  const hash = createHash('sha256');
  if (entry.compressedSize > 0) {
    const stream = createReadStream(path, {
      start: entry.dataOffset,
      end: entry.dataOffset + entry.compressedSize - 1,
    });
    for await (const chunk of stream) hash.update(chunk as Buffer);
  }
  if (hash.digest('hex') !== basemap.sha256) {
    throw new PackageVerificationError(
      `the basemap ${entry.name} in the zip differs from the verified MBTiles`,
    );
  }
}
