import fc from 'fast-check';
import { Readable } from 'node:stream';
import { readAll, relayBytes } from './stream-bytes';

function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

describe('relayBytes', () => {
  it('cuts any window out of any chunking and destroys the source once the window is complete', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        fc.nat(),
        async (bytes, chunkSize, skipSeed, takeSeed) => {
          const data = Buffer.from(bytes);
          const skip = skipSeed % data.length;
          const take = 1 + (takeSeed % (data.length - skip));
          const source = chunked(data, chunkSize);
          const relayed = await readAll(relayBytes(source, { skip, take }));
          expect(relayed).toEqual(data.subarray(skip, skip + take));
          expect(source.destroyed).toBe(true);
        },
      ),
    );
  });

  it('relays everything without a window and maps source errors', async () => {
    await expect(readAll(relayBytes(chunked(Buffer.from('abc'), 1)))).resolves.toEqual(Buffer.from('abc'));
    const failing = new Readable({
      read(): void {
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    const mapped = relayBytes(failing, { mapError: () => new RangeError('mapped') });
    await expect(readAll(mapped)).rejects.toThrow(RangeError);
  });
});
