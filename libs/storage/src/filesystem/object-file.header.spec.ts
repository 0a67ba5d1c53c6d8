import fc from 'fast-check';
import { StorageErrorCode } from '../storage.error';
import {
  encodeObjectHeader,
  FIXED_HEADER_BYTES,
  MAX_METADATA_BYTES,
  OBJECT_FILE_MAGIC,
  parseObjectHeader,
} from './object-file.header';

const SHA256 = 'ab'.repeat(32);

describe('object file header', () => {
  it('round-trips any content type and finds the first byte of the object after it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (contentType, body) => {
        const header = encodeObjectHeader({ contentType, sha256: SHA256 });
        expect(header.subarray(0, OBJECT_FILE_MAGIC.length)).toEqual(OBJECT_FILE_MAGIC);
        expect(header.length).toBeLessThanOrEqual(FIXED_HEADER_BYTES + MAX_METADATA_BYTES);
        const file = Buffer.concat([header, body]);
        expect(parseObjectHeader(file, file.length, 'k')).toEqual({
          kind: 'object',
          metadata: { contentType, sha256: SHA256 },
          dataOffset: header.length,
        });
      }),
    );
  });

  it('asks for more bytes when only a prefix of a long header was read', () => {
    const header = encodeObjectHeader({ contentType: 'x'.repeat(600), sha256: SHA256 });
    expect(parseObjectHeader(header.subarray(0, 512), header.length + 10, 'k')).toEqual({
      kind: 'incomplete',
      headerBytes: header.length,
    });
  });

  it('takes a file without the magic for the legacy layout, including short and near-miss ones', () => {
    for (const bytes of ['', 'MOBJ', 'MOBJv01', 'MOBJv02\n{}', '\x89PNG\r\n\x1a\n']) {
      const file = Buffer.from(bytes, 'latin1');
      expect(parseObjectHeader(file, file.length, 'k')).toEqual({ kind: 'legacy' });
    }
  });

  it('refuses a metadata length above the maximum even if the file were that long', () => {
    const header = encodeObjectHeader({ contentType: 'image/png', sha256: SHA256 });
    header.writeUInt32BE(MAX_METADATA_BYTES + 1, OBJECT_FILE_MAGIC.length);
    expect(() => parseObjectHeader(header, 1_000_000, 'blobs/ab/cd/key')).toThrow(
      expect.objectContaining({
        code: StorageErrorCode.UNKNOWN,
        message: expect.stringContaining('blobs/ab/cd/key') as unknown,
      }),
    );
  });
});
