import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';
import { BlobCache } from './blob-cache';

/**
 * Reads tile bodies from object storage by SHA-256 (content-addressed keys), answering repeated bodies
 * from a bounded cache and joining concurrent reads of the same body into one request.
 */
export class TileBodies {
  private readonly pending = new Map<string, Promise<Buffer>>();
  /** object reads actually made */
  reads = 0;

  constructor(
    private readonly storage: ObjectStorage,
    readonly cache: BlobCache,
  ) {}

  body(sha256: string): Promise<Buffer> {
    const cached = this.cache.get(sha256);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.pending.get(sha256);
    if (pending !== undefined) return pending;
    this.reads += 1;
    const read = this.storage.get(blobKeyForSha256(sha256)).then(
      (body) => {
        this.pending.delete(sha256);
        this.cache.set(sha256, body);
        return body;
      },
      (error: unknown) => {
        this.pending.delete(sha256);
        throw error;
      },
    );
    this.pending.set(sha256, read);
    return read;
  }
}
