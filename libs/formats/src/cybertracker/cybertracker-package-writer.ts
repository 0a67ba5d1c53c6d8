import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { claimOutputFile, removeQuietly } from '../tileset/output-file';
import type { CyberTrackerPackageInput } from './package-input';
import { validateCyberTrackerPackage } from './package-validation';

export interface CyberTrackerPackageOptions {
  /** Modification time stamped on every entry; fix it to get byte-identical zips from identical input. */
  modifiedAt?: Date;
  /** Use ZIP64 records even when no entry needs them (yazl switches to ZIP64 by itself past 4 GiB). */
  forceZip64?: boolean;
}

export interface CyberTrackerPackageResult {
  path: string;
  /** Size of the zip in bytes. */
  bytes: number;
  /** Entry names in archive order, all at the root. */
  entries: string[];
  warnings: string[];
}

/**
 * Writes a CyberTracker / SMART Mobile offline map package: a zip with every file at the archive root,
 * `package.json`, `layers.json` and the layer files. Validation happens first, so nothing is written for an
 * invalid package. Disk files (a multi-gigabyte basemap) are streamed into the zip, never held in memory.
 * yazl was chosen over archiver: no dependencies of its own, streams files from disk, and switches to ZIP64
 * automatically for entries or archives past 4 GiB.
 */
export async function writeCyberTrackerPackage(
  outputPath: string,
  input: CyberTrackerPackageInput,
  options: CyberTrackerPackageOptions = {},
): Promise<CyberTrackerPackageResult> {
  const validated = await validateCyberTrackerPackage(input);
  const mtime = options.modifiedAt ?? new Date();
  const forceZip64Format = options.forceZip64 ?? false;
  await claimOutputFile(outputPath);
  const zip = new ZipFile();
  for (const entry of validated.entries) {
    const entryOptions = { mtime, compress: entry.compress, forceZip64Format };
    if ('path' in entry.source) zip.addFile(entry.source.path, entry.filename, entryOptions);
    else zip.addBuffer(entry.source.bytes, entry.filename, entryOptions);
  }
  zip.end({ forceZip64Format, comment: '' });
  try {
    await pipeline(zip.outputStream, createWriteStream(outputPath, { flags: 'w' }));
  } catch (error: unknown) {
    await removeQuietly(outputPath);
    throw error;
  }
  const { size } = await stat(outputPath);
  return {
    path: outputPath,
    bytes: size,
    entries: validated.entries.map((entry) => entry.filename),
    warnings: validated.warnings,
  };
}
