import { open, type FileHandle } from 'node:fs/promises';
import type { RangeResponse, Source } from 'pmtiles';

/**
 * A `Source` for the `pmtiles` reader that serves byte ranges from a local file, so a finished archive can
 * be read back exactly as a browser would read it over HTTP range requests. Reads past the end return the
 * bytes that exist (the reader asks for the first 16 KiB even of smaller files).
 * Only the type comes from `pmtiles`; the package itself is needed only where the reader is constructed.
 */
export class PmtilesFileSource implements Source {
  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<PmtilesFileSource> {
    return new PmtilesFileSource(path, await open(path, 'r'));
  }

  getKey(): string {
    return this.path;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    const data = new ArrayBuffer(bytesRead);
    new Uint8Array(data).set(buffer.subarray(0, bytesRead));
    return { data };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
