/**
 * Unsigned LEB128 ("protobuf varint") for values up to 2^53, done with division rather than bit shifts
 * because tile ids and offsets exceed 32 bits.
 */
export function writeVarint(target: Buffer, position: number, value: number): number {
  let remaining = value;
  let cursor = position;
  while (remaining >= 0x80) {
    target[cursor] = (remaining % 0x80) | 0x80;
    remaining = Math.floor(remaining / 0x80);
    cursor += 1;
  }
  target[cursor] = remaining;
  return cursor + 1;
}

/** Reads one varint at `position`; returns the value and the position after it. */
export function readVarint(source: Uint8Array, position: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let cursor = position;
  for (;;) {
    if (cursor >= source.length) throw new RangeError('varint runs past the end of the buffer');
    const byte = source[cursor];
    value += (byte & 0x7f) * scale;
    cursor += 1;
    if (byte < 0x80) return [value, cursor];
    scale *= 0x80;
    if (scale > 2 ** 56) throw new RangeError('varint is longer than 8 bytes');
  }
}

/** Worst-case encoded size of a value below 2^53 in bytes. */
export const MAX_VARINT_BYTES = 8;
