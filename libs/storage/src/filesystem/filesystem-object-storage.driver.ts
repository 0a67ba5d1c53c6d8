import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { rangeLength, resolveByteRange } from '../byte-range';
import { checksumMismatch, ChecksumVerifyingStream, sizeMismatch } from '../checksum-verifying.stream';
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
import { syncDirectory, writeNewBuffersDurably, writeNewFileDurably } from './durable-file.writer';
import { KnownDirectories } from './known-directories';
import { TemporaryTokens } from './temporary-tokens';
import { linkEntry, lstatIfPresent, removeIfPresent, renameEntry } from './write-path-calls';
import { mapFilesystemError, systemErrorCode } from './filesystem-error.mapper';
import { walkObjects } from './filesystem-object.lister';
import { FilesystemUrlSigner } from './filesystem-url.signer';
import { readWholeFile } from './whole-file.reader';
import {
  dataOffsetOf,
  encodeObjectHeader,
  isObjectMetadata,
  type ObjectMetadata,
} from './object-file.header';
import { describeObjectFile } from './object-file.reader';
import { ObjectPathMapper, type ObjectPaths } from './object-path.mapper';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

function keyConflict(key: string): StorageError {
  return new StorageError(
    StorageErrorCode.KEY_CONFLICT,
    `filesystem driver cannot store ${key}: the same path is both an object and a prefix of other keys`,
    { field: 'key' },
  );
}

/**
 * Objects as files under one root directory, for a single machine. Each object is one file: a header
 * with its content type and SHA-256, then its bytes (object-file.header.ts). Writes go to a temporary
 * file in the object's directory, are hashed while written, flushed, and only then published by rename
 * (put) or link (putIfAbsent) and a directory fsync, so no reader ever sees a partial object, and a
 * published one is complete after a power cut. Files of the earlier layout (bytes only, metadata in a
 * `<name>~meta.json` sidecar) are told apart by the header's magic and still read and deleted; only the
 * new layout is written. Takes inputs already checked by ValidatedObjectStorage. Empty directories are
 * left in place after deletes: removing them would race with a concurrent writer creating a file inside.
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
    const temporary = this.paths.temporaryPath(paths, this.temporaryTokens.next());
    // Both fields are known before the first byte: the bytes are verified against options.sha256.
    const header = encodeObjectHeader({ contentType: options.contentType, sha256: options.sha256 });
    // Renamed into place, the temporary is gone: no unlink to make (a linked one still needs it).
    let temporaryRenamed = false;
    try {
      await this.directories.ensure(paths.directory).catch((error: unknown) => {
        throw systemErrorCode(error) === 'EEXIST' || systemErrorCode(error) === 'ENOTDIR'
          ? keyConflict(key)
          : error;
      });
      if (Buffer.isBuffer(body)) await this.writeBuffer(paths, temporary, header, body, options);
      else await this.writeStream(temporary, header, body, options);
      let created: boolean;
      if (mode === 'replace') {
        // A legacy sidecar left next to a replaced legacy object is never read again: the new file has
        // the magic. delete removes it.
        await renameEntry(temporary, paths.data);
        temporaryRenamed = true;
        created = true;
      } else {
        created = await this.publishIfAbsent(key, paths, temporary);
      }
      if (created) await syncDirectory(paths.directory);
      return created;
    } catch (error) {
      if (!Buffer.isBuffer(body) && !body.destroyed) body.destroy();
      if (systemErrorCode(error) === 'ENOENT') this.directories.forget(paths.directory);
      if (systemErrorCode(error) === 'EISDIR') throw keyConflict(key);
      throw mapFilesystemError(error, 'put', key);
    } finally {
      if (!temporaryRenamed) await removeIfPresent(temporary);
    }
  }

  /**
   * A body in memory (every tile) is checked before anything touches the disk and written with its
   * header in one call: no stream, no pipeline, no copy.
   */
  private async writeBuffer(
    paths: ObjectPaths,
    temporary: string,
    header: Buffer,
    body: Buffer,
    options: PutObjectOptions,
  ): Promise<void> {
    if (options.size !== undefined && body.length !== options.size) {
      throw sizeMismatch(options.size, String(body.length));
    }
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== options.sha256) throw checksumMismatch(options.sha256, actual);
    try {
      await writeNewBuffersDurably(temporary, [header, body]);
    } catch (error) {
      // The directory was remembered but is gone (removed behind the driver's back): create it again once.
      if (systemErrorCode(error) !== 'ENOENT') throw error;
      this.directories.forget(paths.directory);
      await this.directories.ensure(paths.directory);
      await writeNewBuffersDurably(temporary, [header, body]);
    }
  }

  /**
   * A stream is hashed while written after the header; the verifier fails the write before the end on a
   * wrong size or hash, so the temporary is never published.
   */
  private async writeStream(
    temporary: string,
    header: Buffer,
    body: Readable,
    options: PutObjectOptions,
  ): Promise<void> {
    const verifier = new ChecksumVerifyingStream(options);
    await writeNewFileDurably(
      temporary,
      header,
      pipeline(body, verifier, () => {
        // Errors reach writeNewFileDurably through `verifier`.
      }),
    );
  }

  /**
   * link(2) fails with EEXIST instead of replacing, which makes publishing atomic put-if-absent. A racing
   * writer of a content-addressed key holds identical bytes, so whichever link wins is correct.
   */
  private async publishIfAbsent(key: string, paths: ObjectPaths, temporary: string): Promise<boolean> {
    try {
      await linkEntry(temporary, paths.data);
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

  /** The sidecar of a legacy file (one without the header); undefined when there is none. */
  private async readLegacyMetadata(paths: ObjectPaths): Promise<ObjectMetadata | undefined> {
    try {
      const parsed: unknown = JSON.parse(await readFile(paths.legacyMeta, 'utf8'));
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
   * A whole object is one read of its file, returned past the header without a copy: no sidecar (a Buffer
   * carries no content type or etag), no stream. Tile packaging reads tens of thousands of small objects
   * this way, where the open + stat + read stream of getStream cost about twice the time.
   */
  async get(key: string, options?: GetObjectOptions): Promise<Buffer> {
    if (options?.range !== undefined) {
      const object = await this.getStream(key, options);
      return readAll(object.body);
    }
    const paths = this.paths.pathsFor(key);
    let bytes: Buffer;
    try {
      bytes = await readWholeFile(paths.data);
    } catch (error) {
      const code = systemErrorCode(error);
      // A directory is a prefix of other keys, not an object.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw notFound(key);
      throw mapFilesystemError(error, 'get', key);
    }
    const dataOffset = dataOffsetOf(bytes, key);
    return dataOffset === 0 ? bytes : bytes.subarray(dataOffset);
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
      const file = await describeObjectFile(handle, key);
      const metadata = file.metadata ?? (await this.readLegacyMetadata(paths));
      const common = {
        totalSize: file.size,
        contentType: metadata?.contentType ?? DEFAULT_CONTENT_TYPE,
        etag: etagFor(metadata, file.size, file.details.mtimeMs),
      };
      if (options.range === undefined) {
        const body = handle.createReadStream({ start: file.dataOffset });
        handle = null;
        return { ...common, body, contentLength: file.size };
      }
      const range = resolveByteRange(options.range, file.size);
      // Positions in the file are past the header; the range reported stays in object bytes.
      const body = handle.createReadStream({
        start: file.dataOffset + range.start,
        end: file.dataOffset + range.end,
      });
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
    let handle: FileHandle | null = null;
    try {
      handle = await this.openData(paths);
      if (handle === null) return null;
      const file = await describeObjectFile(handle, key);
      const metadata = file.metadata ?? (await this.readLegacyMetadata(paths));
      return {
        size: file.size,
        contentType: metadata?.contentType ?? DEFAULT_CONTENT_TYPE,
        sha256: metadata?.sha256,
        etag: etagFor(metadata, file.size, file.details.mtimeMs),
        lastModified: file.details.mtime,
      };
    } catch (error) {
      throw mapFilesystemError(error, 'head', key);
    } finally {
      await handle?.close();
    }
  }

  async delete(key: string): Promise<void> {
    const paths = this.paths.pathsFor(key);
    try {
      // The object first, so it disappears at once; then the sidecar a legacy object may have (only read
      // next to an object; a missing one costs one failed unlink).
      await unlinkIfPresent(paths.data);
      await unlinkIfPresent(paths.legacyMeta);
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
