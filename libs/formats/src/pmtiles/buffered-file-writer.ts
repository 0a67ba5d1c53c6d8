import type { FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Sequential writes gathered into 4 MiB system calls. */
export class BufferedFileWriter {
  private readonly pending = Buffer.allocUnsafe(CHUNK_BYTES);
  private pendingLength = 0;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.pendingLength + bytes.length > CHUNK_BYTES) await this.flush();
    if (bytes.length > CHUNK_BYTES) {
      await this.handle.write(bytes, 0, bytes.length, this.position);
      this.position += bytes.length;
      return;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.pendingLength === 0) return;
    await this.handle.write(this.pending, 0, this.pendingLength, this.position);
    this.position += this.pendingLength;
    this.pendingLength = 0;
  }
}
