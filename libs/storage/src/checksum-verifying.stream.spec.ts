import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChecksumVerifyingStream } from './checksum-verifying.stream';
import { sha256Hex } from './content-addressed-key';
import { StorageErrorCode } from './storage.error';
import { readAll } from './stream-bytes';

const body = Buffer.from('0123456789'.repeat(100));

function chunks(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

describe('ChecksumVerifyingStream', () => {
  it('passes the bytes through unchanged when hash and size match', async () => {
    const verifier = new ChecksumVerifyingStream({ sha256: sha256Hex(body), size: body.length });
    const relayed = readAll(verifier);
    await pipeline(chunks(body, 7), verifier);
    await expect(relayed).resolves.toEqual(body);
    expect(verifier.byteCount).toBe(body.length);
  });

  it('fails at the end with CHECKSUM_MISMATCH for other bytes', async () => {
    const verifier = new ChecksumVerifyingStream({ sha256: sha256Hex(Buffer.from('other')) });
    verifier.resume();
    await expect(pipeline(chunks(body, 64), verifier)).rejects.toMatchObject({
      code: StorageErrorCode.CHECKSUM_MISMATCH,
      field: 'sha256',
    });
  });

  it('fails as soon as the body grows past the declared size, before reading the rest', async () => {
    let chunksRead = 0;
    function* source(): Generator<Buffer> {
      for (let index = 0; index < 1000; index++) {
        chunksRead += 1;
        yield Buffer.alloc(100);
      }
    }
    const verifier = new ChecksumVerifyingStream({ sha256: sha256Hex(body), size: 250 });
    verifier.resume();
    await expect(pipeline(Readable.from(source()), verifier)).rejects.toMatchObject({
      code: StorageErrorCode.SIZE_MISMATCH,
      message: 'body is more than 250 bytes but size says 250 bytes; nothing was stored',
    });
    expect(chunksRead).toBeLessThan(10);
  });

  it('fails with SIZE_MISMATCH for a short body', async () => {
    const verifier = new ChecksumVerifyingStream({ sha256: sha256Hex(body), size: body.length + 1 });
    verifier.resume();
    await expect(pipeline(chunks(body, 100), verifier)).rejects.toMatchObject({
      code: StorageErrorCode.SIZE_MISMATCH,
      message: `body is ${body.length} bytes but size says ${body.length + 1} bytes; nothing was stored`,
    });
  });
});
