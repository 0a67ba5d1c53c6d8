import { open, rm, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before one write system call. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * A temporary file of distinct tile bodies, appended in arrival order. Tile bytes live here instead of in
 * memory; only (offset, length) pairs stay in RAM. Appends are buffered into 4 MiB writes; reads are
 * positioned (the copier gathers neighbouring bodies into one read, see spool-read-plan.ts).
 */
export class TileSpool {
  private pending = Buffer.allocUnsafe(CHUNK_BYTES);
  private pendingLength = 0;
  private flushedLength = 0;

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

  /** Fills target[targetOffset, targetOffset + length) with spool bytes [spoolOffset, spoolOffset + length). */
  async readInto(target: Buffer, targetOffset: number, length: number, spoolOffset: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(
        target,
        targetOffset + done,
        length - done,
        spoolOffset + done,
      );
      if (bytesRead === 0) throw new RangeError(`spool ends before ${spoolOffset + length} bytes`);
      done += bytesRead;
    }
  }

  async dispose(): Promise<void> {
    await this.handle.close();
    await rm(this.path, { force: true });
  }
}
