import fc from 'fast-check';
import { MAX_VARINT_BYTES, readVarint, writeVarint } from './varint';

describe('varint', () => {
  it('round-trips every safe integer and never exceeds 8 bytes', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const buffer = Buffer.alloc(MAX_VARINT_BYTES);
        const end = writeVarint(buffer, 0, value);
        expect(end).toBeLessThanOrEqual(MAX_VARINT_BYTES);
        expect(readVarint(buffer, 0)).toEqual([value, end]);
      }),
    );
  });

  it('encodes as protobuf does', () => {
    const buffer = Buffer.alloc(8);
    expect(buffer.subarray(0, writeVarint(buffer, 0, 300))).toEqual(Buffer.from([0xac, 0x02]));
    expect(buffer.subarray(0, writeVarint(buffer, 0, 0))).toEqual(Buffer.from([0]));
    expect(buffer.subarray(0, writeVarint(buffer, 0, 2 ** 32))).toEqual(
      Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10]),
    );
  });

  it('refuses a truncated varint', () => {
    expect(() => readVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(RangeError);
  });
});
