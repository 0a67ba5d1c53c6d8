import { close, fdatasync, fsync, open, writev } from 'node:fs';
import { open as openHandle, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** File mode rw-r--r--. */
const FILE_MODE = 0o644;

/**
 * Writes a new file (refusing to replace one), `header` then the stream, and flushes it to disk before
 * returning, so a rename or link that follows publishes complete bytes even after a power cut.
 */
export async function writeNewFileDurably(path: string, header: Buffer, source: Readable): Promise<void> {
  const handle = await openHandle(path, 'wx', FILE_MODE);
  try {
    await writeAll(handle, header);
    // Written chunk by chunk through the handle (each write awaited, so memory stays at one chunk) because
    // the handle must stay open for the fsync below.
    for await (const chunk of source) {
      await writeAll(handle, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const result = await handle.write(bytes, written, bytes.length - written);
    written += result.bytesWritten;
  }
}

/** What is left of `buffers` after the first `written` bytes went out. */
function remainingAfter(buffers: readonly Buffer[], written: number): Buffer[] {
  const remaining: Buffer[] = [];
  let skip = written;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    remaining.push(skip === 0 ? buffer : buffer.subarray(skip));
    skip = 0;
  }
  return remaining;
}

/**
 * The same guarantee for bytes already in memory (a header and a tile): open, one writev, fdatasync,
 * close as one chain of callbacks settling one promise, instead of a FileHandle and a promise per step,
 * and without copying the parts into one buffer. Thousands of blobs a minute go through here. fdatasync
 * is enough for a new file: it flushes the data and the size (the metadata needed to read it back); only
 * timestamps may be lost.
 */
export function writeNewBuffersDurably(path: string, buffers: readonly Buffer[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    open(path, 'wx', FILE_MODE, (openError, descriptor) => {
      if (openError) {
        reject(openError);
        return;
      }
      const finish = (error: Error | null): void => {
        close(descriptor, (closeError) => {
          const failure = error ?? closeError;
          if (failure) reject(failure);
          else resolve();
        });
      };
      const writeRest = (rest: Buffer[]): void => {
        if (rest.length === 0) {
          fdatasync(descriptor, finish);
          return;
        }
        writev(descriptor, rest, null, (writeError, written) => {
          if (writeError) finish(writeError);
          else writeRest(remainingAfter(rest, written));
        });
      };
      writeRest(remainingAfter(buffers, 0));
    });
  });
}

/** Makes a completed rename or link in `directory` survive a crash. */
export function syncDirectory(directory: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    open(directory, 'r', (openError, descriptor) => {
      if (openError) {
        reject(openError);
        return;
      }
      fsync(descriptor, (syncError) => {
        close(descriptor, (closeError) => {
          const failure = syncError ?? closeError;
          if (failure) reject(failure);
          else resolve();
        });
      });
    });
  });
}
