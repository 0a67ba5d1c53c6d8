import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 (lowercase hex) and size in bytes of a file, streamed: memory stays flat for any size. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
