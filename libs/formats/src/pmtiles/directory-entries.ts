/**
 * Directory entries as parallel typed arrays: 24 bytes an entry, so a million entries take 24 MB rather
 * than the ~100 MB a million small objects would.
 */
export class DirectoryEntries {
  tileIds: Float64Array;
  offsets: Float64Array;
  lengths: Uint32Array;
  runLengths: Uint32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.tileIds = new Float64Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.runLengths = new Uint32Array(capacity);
  }

  push(tileId: number, offset: number, length: number, runLength: number): void {
    if (this.count === this.tileIds.length) this.grow();
    this.tileIds[this.count] = tileId;
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.runLengths[this.count] = runLength;
    this.count += 1;
  }

  private grow(): void {
    const capacity = this.tileIds.length * 2;
    this.tileIds = copyInto(new Float64Array(capacity), this.tileIds);
    this.offsets = copyInto(new Float64Array(capacity), this.offsets);
    this.lengths = copyInto(new Uint32Array(capacity), this.lengths);
    this.runLengths = copyInto(new Uint32Array(capacity), this.runLengths);
  }
}

function copyInto<T extends Float64Array | Uint32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}

/** One decoded entry; used by the verification reader and tests, never in the write path. */
export interface DirectoryEntry {
  tileId: number;
  offset: number;
  length: number;
  /** 0 marks a pointer to a leaf directory. */
  runLength: number;
}
