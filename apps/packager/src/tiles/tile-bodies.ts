import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';
import { BlobCache } from './blob-cache';

/** Bodies remembered as read once: a second read of one of them marks it as repeating. */
const SEEN_ONCE_LIMIT = 65_536;

/**
 * Reads tile bodies from object storage by SHA-256 (content-addressed keys), answering repeated bodies
 * from a bounded cache and joining concurrent reads of the same body into one request. A body enters the
 * cache on its second read (or when the caller knows it repeats), so the unique bodies of a big package
 * never crowd out the few that repeat (sea, blank land), and memory stays small.
 */
export class TileBodies {
  private readonly pending = new Map<string, Promise<Buffer>>();
  /** 16-byte prefixes of SHA-256s read once, oldest first (about 60 bytes an entry) */
  private readonly seenOnce = new Set<string>();
  /** object reads actually made */
  reads = 0;

  constructor(
    private readonly storage: Pick<ObjectStorage, 'get'>,
    readonly cache: BlobCache,
  ) {}

  /** The body when it is cached, without waiting. */
  cached(sha256: string): Buffer | undefined {
    return this.cache.get(sha256);
  }

  /** `repeats`: the caller already knows other tiles use this body (e.g. twice in one page). */
  body(sha256: string, repeats = false): Promise<Buffer> {
    const cached = this.cache.get(sha256);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.pending.get(sha256);
    if (pending !== undefined) return pending;
    this.reads += 1;
    const admit = this.admit(sha256, repeats);
    const read = this.storage.get(blobKeyForSha256(sha256)).then(
      (body) => {
        this.pending.delete(sha256);
        if (admit) this.cache.set(sha256, body);
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

  private admit(sha256: string, repeats: boolean): boolean {
    const key = sha256.slice(0, 32);
    if (repeats || this.seenOnce.has(key)) {
      this.seenOnce.delete(key);
      return true;
    }
    this.seenOnce.add(key);
    if (this.seenOnce.size > SEEN_ONCE_LIMIT) {
      for (const oldest of this.seenOnce) {
        this.seenOnce.delete(oldest);
        break;
      }
    }
    return false;
  }
}
