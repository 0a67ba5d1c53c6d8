import type { TileIntakeOptions } from './tile-intake';

export interface TilesetWriteOptions extends TileIntakeOptions {
  /** Checked between tiles; when it fires the partial output is removed and FormatError ABORTED is thrown. */
  signal?: AbortSignal;
  /** Called every `progressInterval` tiles with the count so far (a job reports progress from here). */
  onProgress?: (tilesWritten: number) => void;
  /** Tiles between progress calls; default 10,000. */
  progressInterval?: number;
}

export interface TilesetWriteResult {
  path: string;
  /** Size of the finished file in bytes. */
  bytes: number;
  /** Tiles addressed by the file (every z/x/y written). */
  tileCount: number;
  /** Distinct tile bodies stored once each. */
  uniqueTileCount: number;
}
