import {
  writeMbtiles,
  writePmtiles,
  type PackageTile,
  type TileFormat,
  type TilesetMetadataInput,
} from '@map-offline/formats';
import { PackageVerificationError, type ExpectedTiles } from '../verify/expected-tiles';
import { verifyMbtiles } from '../verify/mbtiles-verifier';
import { verifyPmtiles } from '../verify/pmtiles-verifier';

/** Tiles between progress callbacks of the writers. */
const PROGRESS_INTERVAL_TILES = 1_000;

export interface TilesetBuildInput {
  container: 'mbtiles' | 'pmtiles';
  /** must not exist; removed by the writer if writing fails */
  outputPath: string;
  /** where the PMTiles writer may spool tile bodies */
  workspace: string;
  metadata: TilesetMetadataInput & { format: TileFormat };
  tiles: AsyncIterable<PackageTile>;
  /** what the file must hold, to check it against after writing */
  expected: ExpectedTiles;
  signal?: AbortSignal;
  onWritten?: (tiles: number) => void;
  onVerified?: (tiles: number) => void;
}

export interface TilesetBuildResult {
  tileCount: number;
  uniqueTileCount: number;
  /** bytes of the file */
  bytes: number;
}

/**
 * Writes an MBTiles or PMTiles file from a stream of tiles, then reads every tile back from the finished
 * file and compares it with what the package should hold. Bounded memory throughout: the writers spool
 * to disk and the verifiers read in batches.
 */
export async function buildTileset(input: TilesetBuildInput): Promise<TilesetBuildResult> {
  const writeOptions = {
    signal: input.signal,
    onProgress: input.onWritten,
    progressInterval: PROGRESS_INTERVAL_TILES,
  };
  const written =
    input.container === 'mbtiles'
      ? await writeMbtiles(input.outputPath, input.tiles, input.metadata, writeOptions)
      : await writePmtiles(input.outputPath, input.tiles, input.metadata, {
          ...writeOptions,
          temporaryDirectory: input.workspace,
        });
  const verifyOptions = { signal: input.signal, onProgress: input.onVerified };
  const verified =
    input.container === 'mbtiles'
      ? await verifyMbtiles(input.outputPath, input.expected, input.metadata.format, verifyOptions)
      : await verifyPmtiles(input.outputPath, input.expected, input.metadata.format, verifyOptions);
  if (verified.tiles !== written.tileCount) {
    throw new PackageVerificationError(`wrote ${written.tileCount} tiles but read back ${verified.tiles}`);
  }
  return { tileCount: written.tileCount, uniqueTileCount: written.uniqueTileCount, bytes: written.bytes };
}
