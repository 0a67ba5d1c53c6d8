import { createHash } from 'node:crypto';

/** Bytes gathered before one MD5 update: an update() per row and field costs more than the hashing. */
const CHUNK_BYTES = 1024 * 1024;

/** MD5 over many small pieces, fed to the hash in 1 MiB chunks. */
export class ChunkedMd5 {
  private readonly hash = createHash('md5');
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  /** ASCII text such as decimal digits. */
  text(value: string): void {
    if (this.used + value.length > CHUNK_BYTES) this.flush();
    if (value.length > CHUNK_BYTES) this.hash.update(value, 'latin1');
    else this.used += this.chunk.write(value, this.used, 'latin1');
  }

  bytes(value: Uint8Array): void {
    if (this.used + value.length > CHUNK_BYTES) this.flush();
    if (value.length > CHUNK_BYTES) {
      this.hash.update(value);
      return;
    }
    this.chunk.set(value, this.used);
    this.used += value.length;
  }

  /** 32 uppercase hex digits; the object is spent afterwards. */
  digest(): string {
    this.flush();
    return this.hash.digest('hex').toUpperCase();
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash.update(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}
