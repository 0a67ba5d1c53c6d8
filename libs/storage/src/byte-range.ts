import type { ByteRange } from './object-storage.port';
import { StorageError, StorageErrorCode } from './storage.error';

/** An inclusive byte range inside an object of known size. */
export interface ResolvedByteRange {
  start: number;
  end: number;
}

/**
 * Clamps `end` to the last byte as HTTP does; a range starting at or after the end of the object (or any
 * range of an empty object) is not satisfiable.
 */
export function resolveByteRange(range: ByteRange, totalSize: number): ResolvedByteRange {
  if (range.start >= totalSize) {
    throw new StorageError(
      StorageErrorCode.RANGE_NOT_SATISFIABLE,
      `range.start ${range.start} is not before the object size of ${totalSize} bytes`,
      { field: 'range.start' },
    );
  }
  const lastByte = totalSize - 1;
  return { start: range.start, end: range.end === undefined ? lastByte : Math.min(range.end, lastByte) };
}

export function rangeLength(range: ResolvedByteRange): number {
  return range.end - range.start + 1;
}

/** `bytes=0-9` as sent in an HTTP Range request header. */
export function formatRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end ?? ''}`;
}

export type ParsedRangeHeader =
  { kind: 'whole' } | { kind: 'range'; range: ResolvedByteRange } | { kind: 'unsatisfiable' };

/**
 * Reads one `bytes=` range (RFC 9110 section 14.2), including suffix ranges (`bytes=-500`, the last 500
 * bytes). Multiple ranges and other units are answered with the whole object, which the RFC allows.
 */
export function parseRangeHeader(header: string | undefined, totalSize: number): ParsedRangeHeader {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return { kind: 'whole' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffixLength = Number(last);
    if (suffixLength === 0 || totalSize === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, totalSize - suffixLength), end: totalSize - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? undefined : Number(last);
  if (!Number.isSafeInteger(start) || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    return { kind: 'whole' };
  }
  if (start >= totalSize) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: resolveByteRange({ start, end }, totalSize) };
}
