import { open, rm, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before one write system call, and bytes fetched by one read on the way back. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * A temporary file of distinct tile bodies, appended in arrival order. Tile bytes live here instead of in
 * memory; only (offset, length) pairs stay in RAM. Appends are buffered into 4 MiB writes; reads go through
 * a 4 MiB window, so copying tiles back out in roughly arrival order costs few system calls.
 */
export class TileSpool {
  private pending = Buffer.allocUnsafe(CHUNK_BYTES);
  private pendingLength = 0;
  private flushedLength = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<TileSpool> {
    return new TileSpool(path, await open(path, 'wx+'));
  }

  /** Total bytes appended so far. */
  get length(): number {
    return this.flushedLength + this.pendingLength;
  }

  /** Appends a tile body; returns its offset in the spool. */
  async append(bytes: Uint8Array): Promise<number> {
    const offset = this.length;
    if (this.pendingLength + bytes.length > CHUNK_BYTES) await this.flush();
    if (bytes.length > CHUNK_BYTES) {
      await this.handle.write(bytes, 0, bytes.length, this.flushedLength);
      this.flushedLength += bytes.length;
    } else {
      this.pending.set(bytes, this.pendingLength);
      this.pendingLength += bytes.length;
    }
    return offset;
  }

  async flush(): Promise<void> {
    if (this.pendingLength === 0) return;
    await this.handle.write(this.pending, 0, this.pendingLength, this.flushedLength);
    this.flushedLength += this.pendingLength;
    this.pendingLength = 0;
  }

  /** Bytes [offset, offset + length); the result may be a view into the read window, valid until the next read. */
  async read(offset: number, length: number): Promise<Buffer> {
    const windowEnd = this.windowStart + this.window.length;
    if (offset >= this.windowStart && offset + length <= windowEnd) {
      return this.window.subarray(offset - this.windowStart, offset - this.windowStart + length);
    }
    const size = Math.max(length, CHUNK_BYTES);
    const buffer = this.window.length === size ? this.window : Buffer.allocUnsafe(size);
    const { bytesRead } = await this.handle.read(buffer, 0, size, offset);
    if (bytesRead < length) throw new RangeError(`spool ends before ${offset + length} bytes`);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = offset;
    return this.window.subarray(0, length);
  }

  async dispose(): Promise<void> {
    await this.handle.close();
    await rm(this.path, { force: true });
  }
}
