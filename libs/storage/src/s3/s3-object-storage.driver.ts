import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable, pipeline } from 'node:stream';
import { formatRangeHeader, rangeLength, resolveByteRange, type ResolvedByteRange } from '../byte-range';
import { ChecksumVerifyingStream, verifyBuffer } from '../checksum-verifying.stream';
import { isSha256Hex, sha256Hex, sha256HexToBase64 } from '../content-addressed-key';
import {
  ObjectStorage,
  type GetObjectOptions,
  type ListObjectsOptions,
  type ObjectHead,
  type ObjectListPage,
  type ObjectStream,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutIfAbsentResult,
  type PutObjectOptions,
} from '../object-storage.port';
import { S3_DEFAULTS, type S3StorageConfig } from '../storage.config';
import { StorageError, StorageErrorCode } from '../storage.error';
import { discardBody, readAll, relayBytes } from '../stream-bytes';
import { createS3Client, resolveChecksumMode } from './s3-client.factory';
import { isNotFound, isPreconditionFailed, mapS3Error } from './s3-error.mapper';

/** User metadata key (`x-amz-meta-sha256`) holding the hex SHA-256, readable on every S3-compatible server. */
const SHA256_METADATA_KEY = 'sha256';
/** Keys per DeleteObjects request, the S3 maximum. */
const DELETE_BATCH_SIZE = 1000;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

interface ContentRange {
  start: number;
  end: number;
  total: number;
}

function parseContentRange(header: string | undefined): ContentRange | undefined {
  const match = header === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header);
  if (match === null) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) };
}

/**
 * AWS S3 and S3-compatible servers (MinIO, R2, Ceph, s3rver). Takes inputs already checked by
 * ValidatedObjectStorage.
 */
export class S3ObjectStorageDriver extends ObjectStorage {
  private readonly client: S3Client;
  /** An injected client belongs to the caller and is not destroyed by close(). */
  private readonly ownsClient: boolean;
  private readonly presignClient: S3Client;
  private readonly sendChecksums: boolean;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;
  private readonly conditionalWrites: boolean;

  /** `client` replaces the one built from the config, e.g. to share it or to observe its requests. */
  constructor(
    private readonly config: S3StorageConfig,
    client?: S3Client,
  ) {
    super();
    this.client = client ?? createS3Client(config, config.endpoint);
    this.ownsClient = client === undefined;
    this.presignClient =
      config.presignEndpoint === undefined ? this.client : createS3Client(config, config.presignEndpoint);
    this.sendChecksums = resolveChecksumMode(config) === 'aws';
    this.partSizeBytes = config.multipartPartSizeBytes ?? S3_DEFAULTS.multipartPartSizeBytes;
    this.queueSize = config.multipartQueueSize ?? S3_DEFAULTS.multipartQueueSize;
    this.conditionalWrites = config.conditionalWrites ?? S3_DEFAULTS.conditionalWrites;
  }

  async putIfAbsent(
    key: string,
    body: Buffer | Readable,
    options: PutObjectOptions,
  ): Promise<PutIfAbsentResult> {
    // HEAD first so an existing blob costs one small request and no upload.
    if ((await this.head(key)) !== null) {
      discardBody(body);
      return { created: false };
    }
    try {
      // `If-None-Match: *` closes the window between HEAD and PUT where the server honours it (AWS S3
      // answers 412). s3rver ignores it (measured: a second conditional PUT overwrote the object). Racing
      // writers of a content-addressed key write identical bytes, so losing the race there is harmless.
      await this.upload(key, body, options, this.conditionalWrites);
      return { created: true };
    } catch (error) {
      if (isPreconditionFailed(error)) return { created: false };
      throw mapS3Error(error, { operation: 'PutObject', key });
    }
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void> {
    try {
      await this.upload(key, body, options, false);
    } catch (error) {
      throw mapS3Error(error, { operation: 'PutObject', key });
    }
  }

  private async upload(
    key: string,
    body: Buffer | Readable,
    options: PutObjectOptions,
    ifNoneMatch: boolean,
  ): Promise<void> {
    const params: PutObjectCommandInput = {
      Bucket: this.config.bucket,
      Key: key,
      ContentType: options.contentType,
      Metadata: { [SHA256_METADATA_KEY]: options.sha256 },
      IfNoneMatch: ifNoneMatch ? '*' : undefined,
    };
    if (Buffer.isBuffer(body)) {
      // A body in memory is checked before any byte leaves, so a mismatch never reaches the bucket.
      verifyBuffer(body, options, sha256Hex(body));
      if (body.length <= this.partSizeBytes) {
        await this.client.send(
          new PutObjectCommand({
            ...params,
            Body: body,
            ContentLength: body.length,
            // AWS recomputes the SHA-256 and refuses the PUT (BadDigest) if the bytes changed in transit.
            ChecksumSHA256: this.sendChecksums ? sha256HexToBase64(options.sha256) : undefined,
          }),
        );
        return;
      }
      await this.multipartUpload({ ...params, Body: body });
      return;
    }
    // A stream is checked as it passes: the verifier fails before the stream ends, which is before
    // lib-storage sends the last part or the single PUT, so a mismatch aborts the upload and stores nothing.
    const verifier = new ChecksumVerifyingStream(options);
    let verificationFailure: unknown;
    // Recorded as it is emitted, before lib-storage sees it through the stream.
    verifier.once('error', (error) => {
      verificationFailure = error;
    });
    const verified = pipeline(body, verifier, () => {
      // Errors reach the uploader through `verifier`.
    });
    try {
      await this.multipartUpload({ ...params, Body: verified });
    } catch (error) {
      // lib-storage throws the AbortMultipartUpload error instead of the cause when the abort itself fails
      // (s3rver answers it 405), so the verifier's own verdict wins.
      throw verificationFailure instanceof StorageError ? verificationFailure : error;
    } finally {
      if (!verifier.writableFinished) verifier.destroy();
    }
  }

  /** Memory is bounded by partSize x queueSize bytes whatever the body length. */
  private async multipartUpload(params: PutObjectCommandInput): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        ...params,
        // Per-part checksums where the server understands them; the whole-object SHA-256 is enforced by
        // the verifier, because S3 multipart SHA-256 is a checksum of part checksums, not of the object.
        ChecksumAlgorithm: this.sendChecksums ? 'SHA256' : undefined,
      },
      partSize: this.partSizeBytes,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async get(key: string, options?: GetObjectOptions): Promise<Buffer> {
    const object = await this.getStream(key, options);
    return readAll(object.body);
  }

  async getStream(key: string, options: GetObjectOptions = {}): Promise<ObjectStream> {
    const { range } = options;
    const context = { operation: 'GetObject', key };
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Range: range === undefined ? undefined : formatRangeHeader(range),
        }),
      );
    } catch (error) {
      throw mapS3Error(error, context);
    }
    const body = response.Body;
    if (!(body instanceof Readable)) {
      throw new StorageError(StorageErrorCode.UNKNOWN, `S3 GetObject of ${key} returned no readable body`);
    }
    const mapError = (error: unknown): Error => mapS3Error(error, context);
    const contentType = response.ContentType ?? DEFAULT_CONTENT_TYPE;
    const etag = response.ETag ?? '';
    const sentLength = response.ContentLength ?? 0;
    if (range === undefined) {
      return {
        body: relayBytes(body, { mapError }),
        contentLength: sentLength,
        totalSize: sentLength,
        contentType,
        etag,
      };
    }
    // What the server sent: a Content-Range, or the whole object if it ignored the Range header.
    const sent = parseContentRange(response.ContentRange) ?? {
      start: 0,
      end: sentLength - 1,
      total: sentLength,
    };
    let wanted: ResolvedByteRange;
    try {
      wanted = resolveByteRange(range, sent.total);
    } catch (error) {
      body.destroy();
      throw error;
    }
    if (sent.start > wanted.start || sent.end < wanted.end) {
      body.destroy();
      throw new StorageError(
        StorageErrorCode.UNKNOWN,
        `S3 GetObject of ${key} answered bytes ${sent.start}-${sent.end} for a request of ${wanted.start}-${wanted.end}`,
      );
    }
    // s3rver answers `bytes=0-0` with the whole object (it reads an end of 0 as "no end"), so cut the
    // answer to the range asked for instead of trusting the server.
    const relayed = relayBytes(body, {
      skip: wanted.start - sent.start,
      take: rangeLength(wanted),
      mapError,
    });
    return {
      body: relayed,
      contentLength: rangeLength(wanted),
      totalSize: sent.total,
      contentType,
      range: wanted,
      etag,
    };
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      const recorded = response.Metadata?.[SHA256_METADATA_KEY];
      return {
        size: response.ContentLength ?? 0,
        contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
        sha256: isSha256Hex(recorded) ? recorded : undefined,
        etag: response.ETag ?? '',
        lastModified: response.LastModified,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw mapS3Error(error, { operation: 'HeadObject', key });
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
    } catch (error) {
      throw mapS3Error(error, { operation: 'DeleteObject', key });
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let offset = 0; offset < keys.length; offset += DELETE_BATCH_SIZE) {
      const batch = keys.slice(offset, offset + DELETE_BATCH_SIZE);
      let response;
      try {
        response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.config.bucket,
            Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
          }),
        );
      } catch (error) {
        throw mapS3Error(error, { operation: 'DeleteObjects' });
      }
      const failure = response.Errors?.[0];
      if (failure !== undefined) {
        // Per-key failures come back in a 200 answer; classify them by their S3 error code.
        const code =
          failure.Code === 'AccessDenied'
            ? StorageErrorCode.ACCESS_DENIED
            : failure.Code === 'InternalError' || failure.Code === 'SlowDown'
              ? StorageErrorCode.UNAVAILABLE
              : StorageErrorCode.UNKNOWN;
        throw new StorageError(
          code,
          `S3 DeleteObjects failed for ${response.Errors?.length ?? 1} of ${batch.length} keys, first ${failure.Key ?? '?'}: ${failure.Code ?? 'no code'}`,
        );
      }
    }
  }

  async list(prefix: string, options: ListObjectsOptions): Promise<ObjectListPage> {
    try {
      // ListObjects (v1) with Marker: pages continue after a key, exactly the semantics of `after`, without
      // the server-made continuation token of v2. s3rver encrypts that token with DES, which OpenSSL 3
      // (Node 17+) lacks, so every truncated v2 listing answers 500 there unless it runs with
      // --openssl-legacy-provider. AWS S3, MinIO, R2 and Ceph serve both versions.
      const response = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.config.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          Marker: options.after,
          MaxKeys: options.limit,
        }),
      );
      const objects = (response.Contents ?? []).flatMap((entry) =>
        entry.Key === undefined ? [] : [{ key: entry.Key, size: entry.Size ?? 0 }],
      );
      const last = objects.at(-1);
      return { objects, nextAfter: response.IsTruncated === true && last !== undefined ? last.key : null };
    } catch (error) {
      throw mapS3Error(error, { operation: 'ListObjects' });
    }
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    const signingDate = new Date();
    try {
      const url = await getSignedUrl(
        this.presignClient,
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          ResponseContentDisposition: options.responseContentDisposition,
        }),
        { expiresIn: options.expiresInSeconds, signingDate },
      );
      return { url, method: 'GET', headers: {}, expiresAt: expiresAt(signingDate, options.expiresInSeconds) };
    } catch (error) {
      throw mapS3Error(error, { operation: 'presign GetObject', key });
    }
  }

  /**
   * Content-Length, Content-Type and x-amz-checksum-sha256 are signed headers, so AWS S3 refuses a body
   * of another length (403 SignatureDoesNotMatch) or another hash (400 BadDigest). The checksum stays a
   * header (not a query parameter) because S3 checks the body only against the header.
   */
  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    const signingDate = new Date();
    const checksum = sha256HexToBase64(options.sha256);
    try {
      const url = await getSignedUrl(
        this.presignClient,
        new PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          ContentType: options.contentType,
          ContentLength: options.size,
          ChecksumSHA256: checksum,
          Metadata: { [SHA256_METADATA_KEY]: options.sha256 },
        }),
        {
          expiresIn: options.expiresInSeconds,
          signingDate,
          signableHeaders: new Set(['content-length', 'content-type', 'x-amz-checksum-sha256']),
          unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        },
      );
      return {
        url,
        method: 'PUT',
        headers: {
          'Content-Type': options.contentType,
          'Content-Length': String(options.size),
          'x-amz-checksum-sha256': checksum,
        },
        expiresAt: expiresAt(signingDate, options.expiresInSeconds),
      };
    } catch (error) {
      throw mapS3Error(error, { operation: 'presign PutObject', key });
    }
  }

  override async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}

function expiresAt(signingDate: Date, expiresInSeconds: number): Date {
  // SigV4 counts from X-Amz-Date, which has whole-second precision.
  return new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + expiresInSeconds * 1000);
}
