import { Readable, Transform, type TransformCallback } from 'node:stream';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function toReadable(body: Buffer | Readable): Readable {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

/** A stream body the caller handed over but that will not be read (put-if-absent of an existing key). */
export function discardBody(body: Buffer | Readable): void {
  if (!Buffer.isBuffer(body)) body.destroy();
}

export interface RelayOptions {
  /** Bytes to drop from the start of the source. */
  skip?: number;
  /** Bytes to pass on after the skipped ones; the rest is not read. */
  take?: number;
  /** Turns source errors into the caller's error type. */
  mapError?: (error: unknown) => Error;
}

/**
 * Relays a source stream, optionally cutting it to a window of bytes. Used where a server answers with more
 * than the range asked for (s3rver ignores the end of `bytes=0-0`), and to give stream errors the
 * library's error type. Once the window is complete the source is destroyed so its connection is freed.
 */
export function relayBytes(source: Readable, options: RelayOptions = {}): Readable {
  let toSkip = options.skip ?? 0;
  let remaining = options.take ?? Number.POSITIVE_INFINITY;
  let complete = false;
  const relay = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      if (complete) {
        callback();
        return;
      }
      let window = chunk;
      if (toSkip > 0) {
        const skipped = Math.min(toSkip, window.length);
        toSkip -= skipped;
        window = window.subarray(skipped);
      }
      if (window.length > remaining) window = window.subarray(0, remaining);
      remaining -= window.length;
      callback(null, window.length > 0 ? window : undefined);
      if (remaining === 0) {
        complete = true;
        source.unpipe(relay);
        relay.end();
        source.destroy();
      }
    },
  });
  source.on('error', (error) => {
    // Errors after the last wanted byte come from destroying the source and are not failures.
    if (!complete) relay.destroy(options.mapError === undefined ? error : options.mapError(error));
  });
  if (remaining === 0) {
    complete = true;
    relay.end();
    source.destroy();
    return relay;
  }
  return source.pipe(relay);
}
