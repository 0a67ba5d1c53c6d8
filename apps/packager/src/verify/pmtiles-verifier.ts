import { open, type FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  decodeDirectory,
  decodePmtilesHeader,
  PMTILES_HEADER_BYTES,
  PmtilesCompression,
  tileIdToZxy,
  type DirectoryEntry,
  type PmtilesHeader,
  type TileFormat,
} from '@map-offline/formats';
import type { TileCoord } from '@map-offline/geo';
import {
  DEFAULT_VERIFY_BATCH,
  PackageVerificationError,
  type ExpectedTiles,
  type VerificationOptions,
} from './expected-tiles';
import { FileWindowReader } from './file-window.reader';
import { sha256Hex, storedBodyMatches } from './tile-body-match';

/** Leaf directories nest at most this deep in any archive we accept (the spec's readers stop at 3). */
const MAX_DIRECTORY_DEPTH = 3;

interface PendingTile {
  tile: TileCoord;
  offset: number;
  length: number;
}

/**
 * Reads a PMTiles v3 archive back without the writer's code paths: header, root and leaf directories
 * (gzip), every entry expanded by its run length, every tile body read from the data section and checked
 * against the expected body. Tile ids must strictly increase, and the count must equal both the header's
 * addressed tiles and the package's tile count. Memory: one leaf directory and one batch of tiles.
 */
export async function verifyPmtiles(
  path: string,
  expected: ExpectedTiles,
  format: TileFormat,
  options: VerificationOptions = {},
): Promise<{ tiles: number; header: PmtilesHeader }> {
  const handle = await open(path, 'r');
  try {
    const walker = new PmtilesWalker(handle, expected, format, options);
    const header = await walker.readHeader();
    await walker.walk(header.rootDirectoryOffset, header.rootDirectoryLength, 0);
    await walker.flush();
    if (walker.verified !== header.addressedTiles) {
      throw new PackageVerificationError(
        `the directories address ${walker.verified} tiles; the header says ${header.addressedTiles}`,
      );
    }
    if (walker.verified !== expected.count) {
      throw new PackageVerificationError(
        `the file has ${walker.verified} tiles; the package has ${expected.count}`,
      );
    }
    return { tiles: walker.verified, header };
  } finally {
    await handle.close();
  }
}

class PmtilesWalker {
  verified = 0;
  private header?: PmtilesHeader;
  private lastTileId = -1;
  private pending: PendingTile[] = [];
  private readonly data: FileWindowReader;
  private readonly batchSize: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly expected: ExpectedTiles,
    private readonly format: TileFormat,
    private readonly options: VerificationOptions,
  ) {
    this.data = new FileWindowReader(handle);
    this.batchSize = options.batchSize ?? DEFAULT_VERIFY_BATCH;
  }

  async readHeader(): Promise<PmtilesHeader> {
    const bytes = Buffer.alloc(PMTILES_HEADER_BYTES);
    const { bytesRead } = await this.handle.read(bytes, 0, PMTILES_HEADER_BYTES, 0);
    if (bytesRead !== PMTILES_HEADER_BYTES)
      throw new PackageVerificationError('the file is shorter than a PMTiles header');
    this.header = decodePmtilesHeader(bytes);
    if (this.header.internalCompression !== PmtilesCompression.Gzip) {
      throw new PackageVerificationError('directories must be gzip-compressed');
    }
    return this.header;
  }

  async walk(offset: number, length: number, depth: number): Promise<void> {
    if (depth > MAX_DIRECTORY_DEPTH) throw new PackageVerificationError('leaf directories nest too deep');
    const header = this.requireHeader();
    const compressed = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(compressed, 0, length, offset);
    if (bytesRead !== length)
      throw new PackageVerificationError(`directory at ${offset} runs past the end of the file`);
    const entries: DirectoryEntry[] = decodeDirectory(gunzipSync(compressed));
    for (const entry of entries) {
      if (entry.runLength === 0) {
        await this.walk(header.leafDirectoriesOffset + entry.offset, entry.length, depth + 1);
        continue;
      }
      for (let step = 0; step < entry.runLength; step += 1) {
        const tileId = entry.tileId + step;
        if (tileId <= this.lastTileId) {
          throw new PackageVerificationError(
            `tile id ${tileId} follows ${this.lastTileId}: not in increasing order`,
          );
        }
        this.lastTileId = tileId;
        this.pending.push({ tile: tileIdToZxy(tileId), offset: entry.offset, length: entry.length });
        if (this.pending.length >= this.batchSize) await this.flush();
      }
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    this.options.signal?.throwIfAborted();
    const header = this.requireHeader();
    const batch = this.pending;
    this.pending = [];
    const hashes = await this.expected.hashes(batch.map((pending) => pending.tile));
    // Runs and de-duplication point many tiles at one body: check each distinct body against each hash once.
    const checked = new Set<string>();
    for (const [index, pending] of batch.entries()) {
      const want = hashes[index];
      const label = `${pending.tile.z}/${pending.tile.x}/${pending.tile.y}`;
      if (want === undefined)
        throw new PackageVerificationError(`tile ${label} is in the file but not in the package`);
      const key = `${pending.offset}:${pending.length}:${want}`;
      if (checked.has(key)) continue;
      if (pending.offset + pending.length > header.tileDataLength) {
        throw new PackageVerificationError(`tile ${label} points past the tile data section`);
      }
      const body = await this.data.read(header.tileDataOffset + pending.offset, pending.length);
      if (!storedBodyMatches(body, want, this.format)) {
        throw new PackageVerificationError(
          `tile ${label} does not hold the cached body ${want} (holds ${sha256Hex(body)})`,
        );
      }
      checked.add(key);
    }
    this.verified += batch.length;
    this.options.onProgress?.(this.verified);
  }

  private requireHeader(): PmtilesHeader {
    if (!this.header) throw new Error('readHeader() must come first');
    return this.header;
  }
}
