import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectSummary } from '../object-storage.port';
import { systemErrorCode } from './filesystem-error.mapper';
import { objectSizeAt } from './object-file.reader';
import { isObjectEntryName, unescapeSegment, type ObjectPathMapper } from './object-path.mapper';

/** S3 orders keys by their UTF-8 bytes; JavaScript string comparison (UTF-16) differs above U+FFFF. */
export function compareKeys(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

interface Candidate {
  entryName: string;
  name: string;
  isDirectory: boolean;
  /** What the entry contributes to key order: `name/` for a directory, `name` for an object. */
  sortKey: string;
}

async function readDirectory(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * Yields objects in S3 key order without reading the whole tree: inside a directory every key under
 * entry `d` starts with `d/`, so sorting entries by `d/` (directories) and `f` (objects) gives the global
 * key order, and whole subtrees sorting before `after` are skipped unread.
 */
export async function* walkObjects(
  paths: ObjectPathMapper,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<ObjectSummary> {
  const lastSlash = prefix.lastIndexOf('/');
  const directorySegments = lastSlash === -1 ? [] : prefix.slice(0, lastSlash).split('/');
  const keyPrefix = prefix.slice(0, lastSlash + 1);
  const namePrefix = prefix.slice(lastSlash + 1);
  yield* walkDirectory(paths.directoryFor(directorySegments), keyPrefix, namePrefix, after);
}

async function* walkDirectory(
  directory: string,
  keyPrefix: string,
  namePrefix: string,
  after: string | undefined,
): AsyncGenerator<ObjectSummary> {
  const candidates: Candidate[] = [];
  for (const entry of await readDirectory(directory)) {
    if (!isObjectEntryName(entry.name) || !(entry.isDirectory() || entry.isFile())) continue;
    const name = unescapeSegment(entry.name);
    if (!name.startsWith(namePrefix)) continue;
    const isDirectory = entry.isDirectory();
    candidates.push({ entryName: entry.name, name, isDirectory, sortKey: isDirectory ? `${name}/` : name });
  }
  candidates.sort((left, right) => compareKeys(left.sortKey, right.sortKey));
  for (const candidate of candidates) {
    const key = `${keyPrefix}${candidate.sortKey}`;
    const path = join(directory, candidate.entryName);
    if (candidate.isDirectory) {
      const wholeSubtreeBeforeAfter =
        after !== undefined && compareKeys(key, after) <= 0 && !after.startsWith(key);
      if (!wholeSubtreeBeforeAfter) yield* walkDirectory(path, key, '', after);
      continue;
    }
    if (after !== undefined && compareKeys(key, after) <= 0) continue;
    // The object's size, not the file's: the header is not part of the object.
    const size = await objectSizeAt(path, key);
    if (size !== undefined) yield { key, size };
  }
}
