import type { Readable } from 'node:stream';

/** Bytes to read, as in an HTTP Range header: `end` is inclusive; without `end` the range runs to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PutObjectOptions {
  contentType: string;
  /** SHA-256 of the whole body, 64 lowercase hex characters; the upload fails if the bytes differ. */
  sha256: string;
  /** Body length in bytes when known; the upload fails if the bytes differ. */
  size?: number;
}

export interface PutIfAbsentResult {
  /** False when the key already existed: the body was not read and nothing was written. */
  created: boolean;
}

export interface ObjectHead {
  /** Bytes. */
  size: number;
  contentType: string;
  /** Hex SHA-256 recorded at upload; absent for objects written by other tools. */
  sha256?: string;
  etag: string;
  lastModified?: Date;
}

export interface GetObjectOptions {
  range?: ByteRange;
}

export interface ObjectStream {
  body: Readable;
  /** Bytes in `body`. */
  contentLength: number;
  /** Bytes in the whole object. */
  totalSize: number;
  contentType: string;
  /** The inclusive range actually returned, when a range was asked for. */
  range?: { start: number; end: number };
  etag: string;
}

export interface ListObjectsOptions {
  /** Only keys sorting strictly after this one (UTF-8 byte order), as S3 `StartAfter`. */
  after?: string;
  /** Page size, 1 to 1000. */
  limit: number;
}

export interface ObjectSummary {
  key: string;
  /** Bytes. */
  size: number;
}

export interface ObjectListPage {
  /** Keys in UTF-8 byte order. */
  objects: ObjectSummary[];
  /** Pass as `after` to get the next page; null on the last page. */
  nextAfter: string | null;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Sent back as Content-Disposition, e.g. `attachment; filename="area.mbtiles"`. */
  responseContentDisposition?: string;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
  contentType: string;
  /** Bytes; the URL refuses a body of any other length. */
  size: number;
  /** Hex SHA-256; the URL refuses a body with another hash (where the server checks, see the driver). */
  sha256: string;
}

export interface PresignedRequest {
  url: string;
  method: 'GET' | 'PUT';
  /** Headers the client must send exactly as given, or the request is refused. */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * The object storage port (the DI token). Drivers implement it for one backend each; wrap any driver in
 * ValidatedObjectStorage so argument checks live in one place. Every failure is a StorageError.
 */
export abstract class ObjectStorage {
  /**
   * Content-addressed write: if the key exists nothing is uploaded (a stream body is destroyed unread).
   * Two writers racing on a missing key may both report `created: true` on servers without conditional
   * writes; for content-addressed keys both wrote the same bytes, so the race is harmless.
   */
  abstract putIfAbsent(
    key: string,
    body: Buffer | Readable,
    options: PutObjectOptions,
  ): Promise<PutIfAbsentResult>;

  /** Write or overwrite, streaming large bodies with bounded memory (multipart on S3). */
  abstract put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void>;

  /** Whole object or a byte range in memory; throws NOT_FOUND or RANGE_NOT_SATISFIABLE. */
  abstract get(key: string, options?: GetObjectOptions): Promise<Buffer>;

  /** Whole object or a byte range as a stream; throws NOT_FOUND or RANGE_NOT_SATISFIABLE. */
  abstract getStream(key: string, options?: GetObjectOptions): Promise<ObjectStream>;

  /** Null when the key does not exist. */
  abstract head(key: string): Promise<ObjectHead | null>;

  /** Idempotent: deleting a missing key succeeds. */
  abstract delete(key: string): Promise<void>;

  /** Idempotent, like delete. */
  abstract deleteMany(keys: readonly string[]): Promise<void>;

  /** One page of keys starting with `prefix` (a plain string prefix, not a folder). */
  abstract list(prefix: string, options: ListObjectsOptions): Promise<ObjectListPage>;

  abstract presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest>;

  abstract presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest>;

  /** Releases connections (S3 client sockets); the storage must not be used afterwards. */
  async close(): Promise<void> {}

  /** Every key under `prefix`, page by page, so callers never hold the whole listing. */
  async *listAll(prefix: string, pageSize = 1000): AsyncGenerator<ObjectSummary> {
    let after: string | undefined;
    for (;;) {
      const page = await this.list(prefix, { after, limit: pageSize });
      yield* page.objects;
      if (page.nextAfter === null) return;
      after = page.nextAfter;
    }
  }
}
