import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** File mode rw-r--r--. */
const FILE_MODE = 0o644;

/**
 * Writes a new file (refusing to replace one) and flushes it to disk before returning, so a rename or
 * link that follows publishes complete bytes even after a power cut.
 */
export async function writeNewFileDurably(path: string, source: Readable): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await pipeline(source, handle.createWriteStream({ autoClose: false }));
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

export async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { force: true });
}
