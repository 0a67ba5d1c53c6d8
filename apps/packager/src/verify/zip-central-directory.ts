import type { FileHandle } from 'node:fs/promises';
import { PackageVerificationError } from './expected-tiles';

/** One entry of a zip as its central directory records it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** where the entry's data starts in the file (after its local header) */
  dataOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_EXTRA_FIELD = 0x0001;
/** 22-byte end record plus the longest comment (65,535 bytes). */
const END_SEARCH_BYTES = 22 + 0xffff;
const MARKER_32 = 0xffffffff;

/**
 * Lists a zip's entries from its central directory (APPNOTE 6.3: end of central directory, ZIP64 end
 * record and locator, central headers with the ZIP64 extra field, local headers for the data offset).
 * Reads only the directory and the local headers, so a multi-gigabyte package costs a few reads.
 */
export async function readZipEntries(handle: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  const tailLength = Math.min(fileSize, END_SEARCH_BYTES);
  const tail = await readExactly(handle, fileSize - tailLength, tailLength);
  let endOffset = -1;
  for (let position = tail.length - 22; position >= 0; position -= 1) {
    if (tail.readUInt32LE(position) === END_OF_CENTRAL_DIRECTORY) {
      endOffset = position;
      break;
    }
  }
  if (endOffset < 0) throw new PackageVerificationError('no end of central directory: not a zip');
  let entryCount = tail.readUInt16LE(endOffset + 10);
  let directorySize = tail.readUInt32LE(endOffset + 12);
  let directoryOffset = tail.readUInt32LE(endOffset + 16);
  const locatorOffset = endOffset - 20;
  if (locatorOffset >= 0 && tail.readUInt32LE(locatorOffset) === ZIP64_END_LOCATOR) {
    const zip64EndOffset = Number(tail.readBigUInt64LE(locatorOffset + 8));
    const zip64End = await readExactly(handle, zip64EndOffset, 56);
    if (zip64End.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
      throw new PackageVerificationError('the ZIP64 locator points at no ZIP64 end record');
    }
    entryCount = Number(zip64End.readBigUInt64LE(32));
    directorySize = Number(zip64End.readBigUInt64LE(40));
    directoryOffset = Number(zip64End.readBigUInt64LE(48));
  }
  const directory = await readExactly(handle, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let position = 0;
  for (let index = 0; index < entryCount; index += 1) {
    if (directory.readUInt32LE(position) !== CENTRAL_DIRECTORY_HEADER) {
      throw new PackageVerificationError(`central directory entry ${index} has a bad signature`);
    }
    const method = directory.readUInt16LE(position + 10);
    let compressedSize = directory.readUInt32LE(position + 20);
    let uncompressedSize = directory.readUInt32LE(position + 24);
    const nameLength = directory.readUInt16LE(position + 28);
    const extraLength = directory.readUInt16LE(position + 30);
    const commentLength = directory.readUInt16LE(position + 32);
    let localHeaderOffset = directory.readUInt32LE(position + 42);
    const name = directory.toString('utf8', position + 46, position + 46 + nameLength);
    const extra = directory.subarray(position + 46 + nameLength, position + 46 + nameLength + extraLength);
    // The ZIP64 extra field holds, in this order, only the values whose 32-bit field is all ones.
    const zip64 = findExtraField(extra, ZIP64_EXTRA_FIELD);
    if (zip64) {
      let cursor = 0;
      if (uncompressedSize === MARKER_32)
        [uncompressedSize, cursor] = [Number(zip64.readBigUInt64LE(cursor)), cursor + 8];
      if (compressedSize === MARKER_32)
        [compressedSize, cursor] = [Number(zip64.readBigUInt64LE(cursor)), cursor + 8];
      if (localHeaderOffset === MARKER_32) localHeaderOffset = Number(zip64.readBigUInt64LE(cursor));
    }
    const local = await readExactly(handle, localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new PackageVerificationError(`entry ${name} has no local header at ${localHeaderOffset}`);
    }
    const dataOffset = localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    entries.push({ name, method, compressedSize, uncompressedSize, dataOffset });
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findExtraField(extra: Buffer, id: number): Buffer | undefined {
  let position = 0;
  while (position + 4 <= extra.length) {
    const fieldId = extra.readUInt16LE(position);
    const size = extra.readUInt16LE(position + 2);
    if (fieldId === id) return extra.subarray(position + 4, position + 4 + size);
    position += 4 + size;
  }
  return undefined;
}

async function readExactly(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  if (bytesRead !== length) throw new PackageVerificationError(`the zip ends before byte ${offset + length}`);
  return buffer;
}
