import { close, fdatasync, fsync, open, write } from 'node:fs';
import { open as openHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** File mode rw-r--r--. */
const FILE_MODE = 0o644;

/**
 * Writes a new file (refusing to replace one) and flushes it to disk before returning, so a rename or
 * link that follows publishes complete bytes even after a power cut.
 */
export async function writeNewFileDurably(path: string, source: Readable): Promise<void> {
  const handle = await openHandle(path, 'wx', FILE_MODE);
  try {
    // Written chunk by chunk through the handle (each write awaited, so memory stays at one chunk) because
    // the handle must stay open for the fsync below.
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      let written = 0;
      while (written < bytes.length) {
        const result = await handle.write(bytes, written, bytes.length - written);
        written += result.bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The same guarantee for bytes already in memory (a tile, a sidecar): open, write, fdatasync, close as
 * one chain of callbacks settling one promise, instead of a FileHandle and a promise per step. Thousands
 * of blobs a minute go through here. fdatasync is enough for a new file: it flushes the data and the size
 * (the metadata needed to read it back); only timestamps may be lost.
 */
export function writeNewBufferDurably(path: string, bytes: Buffer): Promise<void> {
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
      const writeFrom = (offset: number): void => {
        if (offset >= bytes.length) {
          fdatasync(descriptor, finish);
          return;
        }
        write(descriptor, bytes, offset, bytes.length - offset, null, (writeError, written) => {
          if (writeError) finish(writeError);
          else writeFrom(offset + written);
        });
      };
      writeFrom(0);
    });
  });
}

export function writeNewJsonFileDurably(path: string, value: unknown): Promise<void> {
  return writeNewBufferDurably(path, Buffer.from(JSON.stringify(value)));
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
