import { open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** File mode rw-r--r--. */
const FILE_MODE = 0o644;

/**
 * Writes a new file (refusing to replace one) and flushes it to disk before returning, so a rename or
 * link that follows publishes complete bytes even after a power cut.
 */
export async function writeNewFileDurably(path: string, source: Readable): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
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

export async function writeNewJsonFileDurably(path: string, value: unknown): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a completed rename or link in `directory` survive a crash. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Missing files and paths through a non-directory (a key conflict) count as removed. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
}
