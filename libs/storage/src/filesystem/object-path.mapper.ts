import { join } from 'node:path';
import { StorageError, StorageErrorCode } from '../storage.error';

/**
 * `~` never appears in an escaped key segment, so names containing it (`<name>~tmp-…`, and the legacy
 * `<name>~meta.json`) are the driver's own files and cannot collide with an object or a directory.
 */
export const RESERVED_MARKER = '~';
/** The sidecar of the earlier two-file layout; read and deleted, never written. */
const LEGACY_META_SUFFIX = `${RESERVED_MARKER}meta.json`;

/** `%` and `~` are escaped (as in percent-encoding) so every key maps to exactly one path and back. */
export function escapeSegment(segment: string): string {
  return segment.replace(/%/g, '%25').replace(/~/g, '%7E');
}

export function unescapeSegment(name: string): string {
  return name.replace(/%(25|7E)/g, (_match, hex: string) => (hex === '25' ? '%' : '~'));
}

export function isObjectEntryName(name: string): boolean {
  return !name.includes(RESERVED_MARKER);
}

export interface ObjectPaths {
  directory: string;
  /** The object's one file: header and bytes (see object-file.header.ts), or bytes only if legacy. */
  data: string;
  /** Where the earlier layout kept the metadata of a legacy file. */
  legacyMeta: string;
}

/**
 * Maps keys onto files under the root: `blobs/ab/cd/<hex>` is `<root>/blobs/ab/cd/<hex>` (a legacy object
 * may have its metadata in `<hex>~meta.json`). The driver refuses `.`, `..` and empty segments itself as well, because a path that
 * escapes the root must be impossible whatever the caller checked.
 */
export class ObjectPathMapper {
  constructor(readonly rootDirectory: string) {}

  segmentsOf(key: string): string[] {
    const segments = key.split('/');
    for (const segment of segments) {
      if (segment === '' || segment === '.' || segment === '..') {
        throw new StorageError(StorageErrorCode.INVALID_KEY, `key has an empty, \`.\` or \`..\` segment`, {
          field: 'key',
        });
      }
    }
    return segments;
  }

  directoryFor(segments: readonly string[]): string {
    return join(this.rootDirectory, ...segments.map(escapeSegment));
  }

  pathsFor(key: string): ObjectPaths {
    const segments = this.segmentsOf(key);
    const directory = this.directoryFor(segments.slice(0, -1));
    const name = escapeSegment(segments[segments.length - 1]);
    return {
      directory,
      data: join(directory, name),
      legacyMeta: join(directory, `${name}${LEGACY_META_SUFFIX}`),
    };
  }

  /** A temporary file next to the object, so the final rename or link stays on one filesystem. */
  temporaryPath(paths: ObjectPaths, token: string): string {
    return `${paths.data}${RESERVED_MARKER}tmp-${token}`;
  }
}
