import type { Dispatcher } from 'undici';
import { errors } from 'undici';
import type { ResponseHeaders } from './cache-headers';
import type { TransportRequest, TransportResponse } from './http-transport.port';
import { pickResponseHeaders } from './raw-response-headers';

const EMPTY_BODY = Buffer.alloc(0);

/** bytes of an error page or redirect body read (and dropped) before the connection is given up instead */
const MAX_DISCARDED_BYTES = 128 * 1024;

/** Why the handler stopped a response itself; the transport turns it into BODY_TOO_LARGE. */
export class BodyLimitExceededError extends Error {
  override readonly name = 'BodyLimitExceededError';

  constructor(readonly received: string) {
    super(`response body too large: ${received}`);
  }
}

/**
 * Receives one GET through undici's dispatch() API: the status, the few headers anything reads, and the
 * body as Buffers collected straight from the parser. No Readable stream, no header object of every
 * header, no AbortSignal unless the caller passed one: a few microseconds less per tile, thousands of
 * times a second. Bodies are kept only for 2xx other than 204; the size limit is enforced from
 * Content-Length and again while receiving. Other bodies are read and dropped so the connection stays
 * reusable, up to MAX_DISCARDED_BYTES.
 */
export class TileResponseHandler implements Dispatcher.DispatchHandlers {
  private abortRequest: ((error: Error) => void) | undefined;
  /** an abort asked for before undici connected the request */
  private pendingAbort: Error | undefined;
  private status = 0;
  private headers: ResponseHeaders = {};
  private keepBody = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly onSignalAbort = (): void => this.abort(new errors.RequestAbortedError());

  constructor(
    private readonly request: TransportRequest,
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    const signal = request.signal;
    if (signal === undefined) return;
    if (signal.aborted) this.pendingAbort = new errors.RequestAbortedError();
    else signal.addEventListener('abort', this.onSignalAbort, { once: true });
  }

  onConnect(abort: (error?: Error) => void): void {
    // undici calls this again when it retries the request on a fresh connection: start over.
    this.chunks = [];
    this.size = 0;
    this.abortRequest = abort;
    if (this.pendingAbort !== undefined) abort(this.pendingAbort);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational responses are followed by the real one.
    if (status < 200) return true;
    this.status = status;
    this.headers = pickResponseHeaders(rawHeaders);
    this.keepBody = status < 300 && status !== 204;
    if (!this.keepBody) return true;
    const declaredLength = Number(this.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > this.request.maxBodyBytes) {
      this.abort(new BodyLimitExceededError(`Content-Length ${declaredLength}`));
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const size = this.size + chunk.length;
    if (!this.keepBody) {
      this.size = size;
      // An endless error page is not worth the connection: drop it and answer with the status alone.
      if (size > MAX_DISCARDED_BYTES) this.finish();
      return true;
    }
    if (size > this.request.maxBodyBytes) {
      this.abort(new BodyLimitExceededError(`more than ${this.size} bytes`));
      return false;
    }
    this.size = size;
    // The chunk views a buffer the socket allocated for this read alone, so it can be kept without a copy.
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.request.signal?.removeEventListener('abort', this.onSignalAbort);
    this.reject(error);
  }

  private finish(): void {
    if (this.settled) return;
    if (!this.keepBody && this.size > MAX_DISCARDED_BYTES) {
      // Settle first: the abort's error reaches onError, which then has nobody to tell.
      this.settle(EMPTY_BODY);
      this.abortRequest?.(new errors.RequestAbortedError());
      return;
    }
    if (!this.keepBody) {
      this.settle(EMPTY_BODY);
      return;
    }
    const chunks = this.chunks;
    this.settle(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.size));
  }

  private settle(body: Buffer): void {
    this.settled = true;
    this.chunks = [];
    this.request.signal?.removeEventListener('abort', this.onSignalAbort);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  private abort(error: Error): void {
    if (this.abortRequest === undefined) this.pendingAbort = error;
    else this.abortRequest(error);
  }
}
