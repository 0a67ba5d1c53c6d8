import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { systemErrorCode } from './filesystem-error.mapper';
import {
  corruptObject,
  FIXED_HEADER_BYTES,
  HEADER_PROBE_BYTES,
  headerLengthOf,
  parseObjectHeader,
  type ObjectMetadata,
} from './object-file.header';

export interface OpenObjectFile {
  details: Stats;
  /** Bytes before the object's first byte: 0 for a legacy file. */
  dataOffset: number;
  /** Bytes of the object itself. */
  size: number;
  /** From the header; undefined for a legacy file (its metadata, if any, is in the sidecar). */
  metadata: ObjectMetadata | undefined;
}

/** Up to `length` bytes from the start of the file (fewer only at its end). */
async function readPrefix(handle: FileHandle, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
}

/**
 * Reads the header of an open object file: one fstat and, for every ordinary content type, one read of
 * at most HEADER_PROBE_BYTES. The caller has checked that the handle is not a directory.
 */
export async function describeObjectFile(handle: FileHandle, key: string): Promise<OpenObjectFile> {
  const details = await handle.stat();
  let reading = parseObjectHeader(
    await readPrefix(handle, Math.min(details.size, HEADER_PROBE_BYTES)),
    details.size,
    key,
  );
  if (reading.kind === 'incomplete') {
    reading = parseObjectHeader(await readPrefix(handle, reading.headerBytes), details.size, key);
    // Only if the file shrank between the fstat and the read, which published files never do.
    if (reading.kind === 'incomplete') throw corruptObject(key, 'header cut short');
  }
  if (reading.kind === 'legacy') {
    return { details, dataOffset: 0, size: details.size, metadata: undefined };
  }
  return {
    details,
    dataOffset: reading.dataOffset,
    size: details.size - reading.dataOffset,
    metadata: reading.metadata,
  };
}

/**
 * The object's size in bytes from the magic and length field alone (no metadata parsed), for listings;
 * undefined when the file is gone.
 */
export async function objectSizeAt(path: string, key: string): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // Deleted between readdir and open: it is simply no longer listed.
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const details = await handle.stat();
    const prefix = await readPrefix(handle, Math.min(details.size, FIXED_HEADER_BYTES));
    return details.size - (headerLengthOf(prefix, details.size, key) ?? 0);
  } finally {
    await handle.close();
  }
}
