import { mkdir } from 'node:fs/promises';

/** directories remembered before the set starts over (a few MB of path strings at most) */
const MAX_REMEMBERED = 100_000;

/**
 * Directories this process created or found, so a write into one skips mkdir (a few syscalls per blob).
 * The driver never removes directories, so a remembered one stays valid; a writer that still finds it gone
 * calls forget() and ensure() again.
 */
export class KnownDirectories {
  private readonly known = new Set<string>();

  async ensure(directory: string): Promise<void> {
    if (this.known.has(directory)) return;
    await mkdir(directory, { recursive: true });
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.add(directory);
  }

  forget(directory: string): void {
    this.known.delete(directory);
  }
}
