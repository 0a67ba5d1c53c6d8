import { gzipSync } from 'node:zlib';
import { FormatError, FormatErrorCode } from '../format-error';
import { DirectoryEntries } from './directory-entries';
import { encodeDirectory } from './directory-codec';
import { PMTILES_HEADER_BYTES } from './pmtiles-header';

/** The header and the root directory must both sit in the first 16,384 bytes (one latency-friendly read). */
export const ROOT_DIRECTORY_BUDGET_BYTES = 16_384 - PMTILES_HEADER_BYTES;
/** Entries per leaf on the first try; grown by LEAF_GROWTH until the root of leaf pointers fits. */
const INITIAL_LEAF_ENTRIES = 4096;
const LEAF_GROWTH = 1.2;

export interface DirectoryLayout {
  /** gzip-compressed root directory. */
  root: Buffer;
  /** gzip-compressed leaf directories back to back, in ascending first-tile-id order. */
  leaves: Buffer[];
  leavesLength: number;
}

/**
 * Chooses between a root-only layout (all entries in the root when it compresses into the budget) and one
 * level of leaves: fixed-size runs of entries per leaf, with the root listing the leaves (run length 0,
 * offset relative to the leaf section). Leaves grow until the root fits; one level is always enough in
 * practice (4096 entries a leaf and a ~15 KiB root address hundreds of millions of entries).
 */
export function layoutDirectories(entries: DirectoryEntries): DirectoryLayout {
  const rootOnly = gzipSync(encodeDirectory(entries));
  if (rootOnly.length <= ROOT_DIRECTORY_BUDGET_BYTES) return { root: rootOnly, leaves: [], leavesLength: 0 };

  let leafEntries = INITIAL_LEAF_ENTRIES;
  for (;;) {
    const leaves: Buffer[] = [];
    const pointers = new DirectoryEntries(Math.ceil(entries.count / leafEntries));
    let leavesLength = 0;
    for (let start = 0; start < entries.count; start += leafEntries) {
      const end = Math.min(entries.count, start + leafEntries);
      const leaf = gzipSync(encodeDirectory(entries, start, end));
      pointers.push(entries.tileIds[start], leavesLength, leaf.length, 0);
      leaves.push(leaf);
      leavesLength += leaf.length;
    }
    const root = gzipSync(encodeDirectory(pointers));
    if (root.length <= ROOT_DIRECTORY_BUDGET_BYTES) return { root, leaves, leavesLength };
    if (pointers.count === 1) {
      throw new FormatError(FormatErrorCode.DIRECTORY_TOO_LARGE, 'the root directory does not fit in 16 KiB');
    }
    leafEntries = Math.ceil(leafEntries * LEAF_GROWTH);
  }
}
