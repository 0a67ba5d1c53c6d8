import { createHash } from 'node:crypto';
import { TileConfirmationStatus } from './tile-upload.model';
import { TileUploadCandidate } from './tile-upload-candidate';
import { judgeUpload } from './upload-verdict';
import { isCorruptForKey, ObjectInspection } from './uploaded-object.inspector';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SHA = createHash('sha256').update(PNG).digest('hex');
const TILE: TileUploadCandidate = {
  index: 0,
  z: 3,
  x: 1,
  y: 2,
  sha256: SHA,
  size: PNG.length,
  contentType: 'image/png',
};

function read(bytes: Buffer): ObjectInspection {
  return {
    kind: 'read',
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    leadingBytes: bytes.subarray(0, 16),
  };
}

describe('judgeUpload', () => {
  it('accepts exactly the declared bytes', () => {
    expect(judgeUpload(TILE, read(PNG))).toEqual({ status: TileConfirmationStatus.INDEXED, message: null });
  });

  it('reports a missing object, then size, then checksum, then format', () => {
    expect(judgeUpload(TILE, { kind: 'missing' }).status).toBe(TileConfirmationStatus.NOT_UPLOADED);
    expect(judgeUpload(TILE, read(Buffer.concat([PNG, PNG]))).status).toBe(
      TileConfirmationStatus.SIZE_MISMATCH,
    );
    expect(judgeUpload(TILE, { kind: 'oversized', sizeBytes: 5 * 1024 * 1024 }).status).toBe(
      TileConfirmationStatus.SIZE_MISMATCH,
    );
    const flipped = Buffer.from(PNG);
    flipped[11] = 14;
    expect(judgeUpload(TILE, read(flipped)).status).toBe(TileConfirmationStatus.CHECKSUM_MISMATCH);
    const text = Buffer.from('<html>tile</html>');
    const textTile = { ...TILE, sha256: createHash('sha256').update(text).digest('hex'), size: text.length };
    expect(judgeUpload(textTile, read(text)).status).toBe(TileConfirmationStatus.FORMAT_MISMATCH);
  });

  it('never puts a URL or key in the message', () => {
    for (const inspection of [{ kind: 'missing' } as const, read(Buffer.from('other bytes'))]) {
      expect(judgeUpload(TILE, inspection).message).not.toMatch(/https?:|blobs\//);
    }
  });
});

describe('isCorruptForKey', () => {
  it('is true only for objects whose bytes do not hash to their key, or are too large to be a tile', () => {
    expect(isCorruptForKey(SHA, read(PNG))).toBe(false);
    expect(isCorruptForKey(SHA, { kind: 'missing' })).toBe(false);
    expect(isCorruptForKey(SHA, read(Buffer.from('other')))).toBe(true);
    expect(isCorruptForKey(SHA, { kind: 'oversized', sizeBytes: 10 * 1024 * 1024 })).toBe(true);
  });
});
