import type { FileHandle } from 'node:fs/promises';

/** Bytes read from disk at a time; tile data is clustered, so consecutive tiles come from one window. */
const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Reads byte ranges of a file through one cached window, so reading a clustered archive tile by tile costs
 * a disk read per window rather than per tile. Memory: one window (4 MiB by default).
 */
export class FileWindowReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly windowBytes = DEFAULT_WINDOW_BYTES,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    const end = offset + length;
    if (offset < this.windowStart || end > this.windowStart + this.window.length) {
      const size = Math.max(length, this.windowBytes);
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.handle.read(buffer, 0, size, offset);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = offset;
      if (bytesRead < length) throw new RangeError(`range ${offset}+${length} runs past the end of the file`);
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
  }
}
