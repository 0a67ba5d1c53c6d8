import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { rangeLength, resolveByteRange } from '../byte-range';
import { checksumMismatch, ChecksumVerifyingStream, sizeMismatch } from '../checksum-verifying.stream';
import { isSha256Hex } from '../content-addressed-key';
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
import type { FilesystemStorageConfig } from '../storage.config';
import { StorageError, StorageErrorCode } from '../storage.error';
import { discardBody, readAll } from '../stream-bytes';
import {
  syncDirectory,
  writeNewBufferDurably,
  writeNewFileDurably,
  writeNewJsonFileDurably,
} from './durable-file.writer';
import { KnownDirectories } from './known-directories';
import { TemporaryTokens } from './temporary-tokens';
import { linkEntry, lstatIfPresent, removeIfPresent, renameEntry } from './write-path-calls';
import { mapFilesystemError, systemErrorCode } from './filesystem-error.mapper';
import { walkObjects } from './filesystem-object.lister';
import { FilesystemUrlSigner } from './filesystem-url.signer';
import { readWholeFile } from './whole-file.reader';
import { ObjectPathMapper, type ObjectPaths } from './object-path.mapper';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The sidecar `<name>~meta.json`. */
interface ObjectMetadata {
  contentType: string;
  sha256: string;
  /** Bytes. */
  size: number;
}

function isObjectMetadata(value: unknown): value is ObjectMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ObjectMetadata>;
  return (
    typeof candidate.contentType === 'string' &&
    isSha256Hex(candidate.sha256) &&
    typeof candidate.size === 'number'
  );
}

function keyConflict(key: string): StorageError {
  return new StorageError(
    StorageErrorCode.KEY_CONFLICT,
    `filesystem driver cannot store ${key}: the same path is both an object and a prefix of other keys`,
    { field: 'key' },
  );
}

/**
 * Objects as files under one root directory, for a single machine. Writes go to a temporary file in the
 * object's directory, are hashed while written, flushed, and only then published by rename (put) or link
 * (putIfAbsent), so no reader ever sees a partial object. Takes inputs already checked by
 * ValidatedObjectStorage. Empty directories are left in place after deletes: removing them would race
 * with a concurrent writer creating a file inside.
 */
export class FilesystemObjectStorageDriver extends ObjectStorage {
  private readonly paths: ObjectPathMapper;
  private readonly signer: FilesystemUrlSigner;
  private readonly directories = new KnownDirectories();
  private readonly temporaryTokens = new TemporaryTokens();

  constructor(config: FilesystemStorageConfig, signer?: FilesystemUrlSigner) {
    super();
    this.paths = new ObjectPathMapper(config.rootDirectory);
    this.signer = signer ?? new FilesystemUrlSigner(config.presignSecret, config.publicBaseUrl);
  }

  async putIfAbsent(
    key: string,
    body: Buffer | Readable,
    options: PutObjectOptions,
  ): Promise<PutIfAbsentResult> {
    const paths = this.paths.pathsFor(key);
    if (await this.dataExists(key, paths)) {
      discardBody(body);
      return { created: false };
    }
    const created = await this.write(key, paths, body, options, 'if-absent');
    return { created };
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void> {
    await this.write(key, this.paths.pathsFor(key), body, options, 'replace');
  }

  /** False when the key already existed (only in if-absent mode). */
  private async write(
    key: string,
    paths: ObjectPaths,
    body: Buffer | Readable,
    options: PutObjectOptions,
    mode: 'replace' | 'if-absent',
  ): Promise<boolean> {
    const token = this.temporaryTokens.next();
    const dataTemporary = this.paths.temporaryPath(paths, token, 'data');
    const metaTemporary = this.paths.temporaryPath(paths, token, 'meta');
    // Renamed into place, the temporaries are gone: no unlink calls to make (linked ones still need them).
    let temporariesRenamed = false;
    try {
      await this.directories.ensure(paths.directory).catch((error: unknown) => {
        throw systemErrorCode(error) === 'EEXIST' || systemErrorCode(error) === 'ENOTDIR'
          ? keyConflict(key)
          : error;
      });
      const size = Buffer.isBuffer(body)
        ? await this.writeBuffer(paths, dataTemporary, body, options)
        : await this.writeStream(dataTemporary, body, options);
      const metadata: ObjectMetadata = { contentType: options.contentType, sha256: options.sha256, size };
      await writeNewJsonFileDurably(metaTemporary, metadata);
      let created: boolean;
      if (mode === 'replace') {
        created = await this.publishReplacing(paths, dataTemporary, metaTemporary);
        temporariesRenamed = true;
      } else {
        created = await this.publishIfAbsent(key, paths, dataTemporary, metaTemporary);
      }
      if (created) await syncDirectory(paths.directory);
      return created;
    } catch (error) {
      if (!Buffer.isBuffer(body) && !body.destroyed) body.destroy();
      if (systemErrorCode(error) === 'ENOENT') this.directories.forget(paths.directory);
      if (systemErrorCode(error) === 'EISDIR') throw keyConflict(key);
      throw mapFilesystemError(error, 'put', key);
    } finally {
      if (!temporariesRenamed) {
        await Promise.all([removeIfPresent(dataTemporary), removeIfPresent(metaTemporary)]);
      }
    }
  }

  /**
   * A body in memory (every tile) is checked before anything touches the disk and written in one call:
   * no stream, no pipeline. Returns its size in bytes.
   */
  private async writeBuffer(
    paths: ObjectPaths,
    dataTemporary: string,
    body: Buffer,
    options: PutObjectOptions,
  ): Promise<number> {
    if (options.size !== undefined && body.length !== options.size) {
      throw sizeMismatch(options.size, String(body.length));
    }
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== options.sha256) throw checksumMismatch(options.sha256, actual);
    try {
      await writeNewBufferDurably(dataTemporary, body);
    } catch (error) {
      // The directory was remembered but is gone (removed behind the driver's back): create it again once.
      if (systemErrorCode(error) !== 'ENOENT') throw error;
      this.directories.forget(paths.directory);
      await this.directories.ensure(paths.directory);
      await writeNewBufferDurably(dataTemporary, body);
    }
    return body.length;
  }

  /** A stream is hashed while written; the verifier fails the write before the end on a wrong size or hash. */
  private async writeStream(
    dataTemporary: string,
    body: Readable,
    options: PutObjectOptions,
  ): Promise<number> {
    const verifier = new ChecksumVerifyingStream(options);
    await writeNewFileDurably(
      dataTemporary,
      pipeline(body, verifier, () => {
        // Errors reach writeNewFileDurably through `verifier`.
      }),
    );
    return verifier.byteCount;
  }

  /**
   * The sidecar goes first, so whenever the object exists its metadata does too. Between the two renames
   * a reader of an overwritten key can pair the new metadata with the old bytes; content-addressed keys
   * never change bytes, and package keys are written once.
   */
  private async publishReplacing(
    paths: ObjectPaths,
    dataTemporary: string,
    metaTemporary: string,
  ): Promise<boolean> {
    await renameEntry(metaTemporary, paths.meta);
    await renameEntry(dataTemporary, paths.data);
    return true;
  }

  /**
   * link(2) fails with EEXIST instead of replacing, which makes publishing atomic put-if-absent. A racing
   * writer of a content-addressed key holds identical bytes, so whichever link wins is correct.
   */
  private async publishIfAbsent(
    key: string,
    paths: ObjectPaths,
    dataTemporary: string,
    metaTemporary: string,
  ): Promise<boolean> {
    try {
      await linkEntry(metaTemporary, paths.meta);
    } catch (error) {
      if (systemErrorCode(error) !== 'EEXIST') throw error;
      if (await this.dataExists(key, paths)) return false;
      // A sidecar without its object: left by a crash, or a racing writer is between its two steps.
      await renameEntry(metaTemporary, paths.meta);
    }
    try {
      await linkEntry(dataTemporary, paths.data);
      return true;
    } catch (error) {
      if (systemErrorCode(error) !== 'EEXIST') throw error;
      if ((await lstatIfPresent(paths.data))?.isDirectory() === true) throw keyConflict(key);
      return false;
    }
  }

  private async dataExists(key: string, paths: ObjectPaths): Promise<boolean> {
    let details: Stats | undefined;
    try {
      details = await lstatIfPresent(paths.data);
    } catch (error) {
      throw mapFilesystemError(error, 'stat', key);
    }
    if (details?.isDirectory() === true) throw keyConflict(key);
    return details !== undefined;
  }

  private async readMetadata(paths: ObjectPaths): Promise<ObjectMetadata | undefined> {
    try {
      const parsed: unknown = JSON.parse(await readFile(paths.meta, 'utf8'));
      return isObjectMetadata(parsed) ? parsed : undefined;
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT' || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** Null for a missing key or a path that is a directory (a prefix, not an object). */
  private async openData(paths: ObjectPaths): Promise<FileHandle | null> {
    let handle: FileHandle;
    try {
      handle = await open(paths.data, 'r');
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw error;
    }
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      return null;
    }
    return handle;
  }

  /**
   * A whole object is one read of its data file: no sidecar (a Buffer carries no content type or
   * etag), no stream. Tile packaging reads tens of thousands of small objects this way, where the
   * open + stat + sidecar read + read stream of getStream cost about twice the time.
   */
  async get(key: string, options?: GetObjectOptions): Promise<Buffer> {
    if (options?.range !== undefined) {
      const object = await this.getStream(key, options);
      return readAll(object.body);
    }
    const paths = this.paths.pathsFor(key);
    try {
      return await readWholeFile(paths.data);
    } catch (error) {
      const code = systemErrorCode(error);
      // A directory is a prefix of other keys, not an object.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw notFound(key);
      throw mapFilesystemError(error, 'get', key);
    }
  }

  async getStream(key: string, options: GetObjectOptions = {}): Promise<ObjectStream> {
    const paths = this.paths.pathsFor(key);
    let handle: FileHandle | null = null;
    try {
      // Reading through the open handle keeps this one version even if the key is replaced meanwhile.
      handle = await this.openData(paths);
      if (handle === null) {
        throw notFound(key);
      }
      const details = await handle.stat();
      const metadata = await this.readMetadata(paths);
      const common = {
        totalSize: details.size,
        contentType: metadata?.contentType ?? DEFAULT_CONTENT_TYPE,
        etag: etagFor(metadata, details.size, details.mtimeMs),
      };
      if (options.range === undefined) {
        const body = handle.createReadStream();
        handle = null;
        return { ...common, body, contentLength: details.size };
      }
      const range = resolveByteRange(options.range, details.size);
      const body = handle.createReadStream({ start: range.start, end: range.end });
      handle = null;
      return { ...common, body, contentLength: rangeLength(range), range };
    } catch (error) {
      throw mapFilesystemError(error, 'get', key);
    } finally {
      // Closed here only if no stream took it over (streams close their handle when done).
      await handle?.close();
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    const paths = this.paths.pathsFor(key);
    try {
      const details = await lstat(paths.data);
      if (!details.isFile()) return null;
      const metadata = await this.readMetadata(paths);
      return {
        size: details.size,
        contentType: metadata?.contentType ?? DEFAULT_CONTENT_TYPE,
        sha256: metadata?.sha256,
        etag: etagFor(metadata, details.size, details.mtimeMs),
        lastModified: details.mtime,
      };
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw mapFilesystemError(error, 'head', key);
    }
  }

  async delete(key: string): Promise<void> {
    const paths = this.paths.pathsFor(key);
    try {
      // The object first, so it disappears at once; the sidecar is only read next to an object.
      await unlinkIfPresent(paths.data);
      await unlinkIfPresent(paths.meta);
    } catch (error) {
      if (systemErrorCode(error) === 'EISDIR' || systemErrorCode(error) === 'EPERM') {
        // unlink of a directory: the key is a prefix, not an object, so there is nothing to delete.
        if ((await lstat(paths.data).catch(() => null))?.isDirectory() === true) return;
      }
      throw mapFilesystemError(error, 'delete', key);
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.delete(key);
  }

  async list(prefix: string, options: ListObjectsOptions): Promise<ObjectListPage> {
    const objects = [];
    try {
      // One more than the page, to know whether another page follows.
      for await (const object of walkObjects(this.paths, prefix, options.after)) {
        objects.push(object);
        if (objects.length > options.limit) break;
      }
    } catch (error) {
      throw mapFilesystemError(error, 'list');
    }
    if (objects.length <= options.limit) return { objects, nextAfter: null };
    const page = objects.slice(0, options.limit);
    return { objects: page, nextAfter: page[page.length - 1].key };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    const expiresAtSeconds = this.signer.expiryFromNow(options.expiresInSeconds);
    const url = this.signer.signUrl({
      method: 'GET',
      key,
      expiresAtSeconds,
      contentDisposition: options.responseContentDisposition,
    });
    return { url, method: 'GET', headers: {}, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    const expiresAtSeconds = this.signer.expiryFromNow(options.expiresInSeconds);
    const url = this.signer.signUrl({
      method: 'PUT',
      key,
      expiresAtSeconds,
      size: options.size,
      sha256: options.sha256,
      contentType: options.contentType,
    });
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': options.contentType, 'Content-Length': String(options.size) },
      expiresAt: new Date(expiresAtSeconds * 1000),
    };
  }
}

function notFound(key: string): StorageError {
  return new StorageError(StorageErrorCode.NOT_FOUND, `object ${key} does not exist`, { field: 'key' });
}

function etagFor(metadata: ObjectMetadata | undefined, size: number, modifiedMilliseconds: number): string {
  return metadata === undefined
    ? `"${size.toString(16)}-${Math.floor(modifiedMilliseconds).toString(16)}"`
    : `"${metadata.sha256}"`;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
}
