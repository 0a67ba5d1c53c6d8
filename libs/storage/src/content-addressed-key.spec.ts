import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  blobKeyForSha256,
  isSha256Hex,
  sha256ForBlobKey,
  sha256Hex,
  sha256HexToBase64,
} from './content-addressed-key';
import { assertValidKey } from './object-storage-input.validator';
import { StorageErrorCode } from './storage.error';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('blobKeyForSha256', () => {
  it('fans out by the first two bytes of the digest', () => {
    expect(blobKeyForSha256(EMPTY_SHA256)).toBe(`blobs/e3/b0/${EMPTY_SHA256}`);
  });

  it.each([
    ['upper case', EMPTY_SHA256.toUpperCase()],
    ['63 characters', EMPTY_SHA256.slice(1)],
    ['65 characters', `${EMPTY_SHA256}0`],
    ['not hex', `${EMPTY_SHA256.slice(0, 63)}g`],
    ['a path', `../${EMPTY_SHA256.slice(3)}`],
  ])('rejects %s with INVALID_CHECKSUM', (_label, digest) => {
    expect(() => blobKeyForSha256(digest)).toThrow(
      expect.objectContaining({ code: StorageErrorCode.INVALID_CHECKSUM, field: 'sha256' }),
    );
  });

  it('gives a valid key that maps back to its digest, for any content', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        const digest = sha256Hex(Buffer.from(bytes));
        const key = blobKeyForSha256(digest);
        assertValidKey(key);
        expect(isSha256Hex(digest)).toBe(true);
        expect(sha256ForBlobKey(key)).toBe(digest);
      }),
    );
  });
});

describe('sha256ForBlobKey', () => {
  it('refuses keys whose fan-out does not match the digest', () => {
    expect(sha256ForBlobKey(`blobs/00/00/${EMPTY_SHA256}`)).toBeNull();
    expect(sha256ForBlobKey(`packages/e3/b0/${EMPTY_SHA256}`)).toBeNull();
  });
});

describe('sha256HexToBase64', () => {
  it('encodes the digest bytes as S3 x-amz-checksum-sha256 expects', () => {
    expect(sha256HexToBase64(EMPTY_SHA256)).toBe(createHash('sha256').update('').digest('base64'));
    expect(sha256HexToBase64(EMPTY_SHA256)).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});
