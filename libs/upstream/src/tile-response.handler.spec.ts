import { errors } from 'undici';
import type { TransportRequest, TransportResponse } from './http-transport.port';
import { BodyLimitExceededError, TileResponseHandler } from './tile-response.handler';

function headers(...pairs: [string, string][]): Buffer[] {
  return pairs.flatMap(([name, value]) => [Buffer.from(name), Buffer.from(value)]);
}

/** A handler driven by hand the way undici's client drives it, with what it settled and aborted. */
function drive(overrides: Partial<TransportRequest> = {}) {
  const request: TransportRequest = {
    origin: 'http://tiles.test',
    path: '/0/0/0.png',
    headers: {},
    maxBodyBytes: 10,
    ...overrides,
  };
  const outcome: { response?: TransportResponse; error?: unknown; aborted: Error[] } = { aborted: [] };
  const handler = new TileResponseHandler(
    request,
    (response) => {
      outcome.response = response;
    },
    (error) => {
      outcome.error = error;
    },
  );
  handler.onConnect((error) => {
    if (error) outcome.aborted.push(error);
  });
  return { handler, outcome };
}

describe('TileResponseHandler', () => {
  it('joins the body chunks of a 2xx response', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(200, headers(['Content-Type', 'image/png']));
    handler.onData(Buffer.from('abc'));
    handler.onData(Buffer.from('defg'));
    handler.onComplete();
    expect(outcome.response?.status).toBe(200);
    expect(outcome.response?.headers).toEqual({ 'content-type': 'image/png' });
    expect(outcome.response?.body.toString()).toBe('abcdefg');
  });

  it('skips 1xx responses and keeps the final one', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(103, headers(['Link', '</style.css>']));
    handler.onHeaders(200, headers(['ETag', '"x"']));
    handler.onData(Buffer.from('tile'));
    handler.onComplete();
    expect(outcome.response).toMatchObject({ status: 200, headers: { etag: '"x"' } });
    expect(outcome.response?.body.toString()).toBe('tile');
  });

  it('refuses a declared Content-Length over the limit before any body arrives', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(200, headers(['Content-Length', '11']));
    expect(outcome.aborted).toHaveLength(1);
    expect(outcome.aborted[0]).toBeInstanceOf(BodyLimitExceededError);
    expect((outcome.aborted[0] as BodyLimitExceededError).received).toBe('Content-Length 11');
    handler.onError(outcome.aborted[0]);
    expect(outcome.error).toBe(outcome.aborted[0]);
    expect(outcome.response).toBeUndefined();
  });

  it('stops a body without a length once it passes the limit', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(200, []);
    expect(handler.onData(Buffer.alloc(6))).toBe(true);
    expect(handler.onData(Buffer.alloc(6))).toBe(false);
    expect((outcome.aborted[0] as BodyLimitExceededError).received).toBe('more than 6 bytes');
  });

  it('drops the bodies of 204, redirects and errors', () => {
    for (const status of [204, 302, 404, 503]) {
      const { handler, outcome } = drive();
      handler.onHeaders(status, headers(['Retry-After', '3']));
      handler.onData(Buffer.alloc(100));
      handler.onComplete();
      expect(outcome.response?.status).toBe(status);
      expect(outcome.response?.body.length).toBe(0);
      expect(outcome.aborted).toHaveLength(0);
    }
  });

  it('answers with the status alone and gives up the connection under an endless error page', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(500, []);
    handler.onData(Buffer.alloc(100 * 1024));
    expect(outcome.response).toBeUndefined();
    handler.onData(Buffer.alloc(100 * 1024));
    expect(outcome.response).toMatchObject({ status: 500 });
    expect(outcome.aborted).toHaveLength(1);
    handler.onError(outcome.aborted[0]);
    expect(outcome.error).toBeUndefined();
  });

  it('aborts on the signal, and at connect when the signal fired before', () => {
    const controller = new AbortController();
    const { handler, outcome } = drive({ signal: controller.signal });
    handler.onHeaders(200, []);
    controller.abort();
    expect(outcome.aborted[0]).toBeInstanceOf(errors.RequestAbortedError);

    const early = new AbortController();
    const aborted: Error[] = [];
    const late = new TileResponseHandler(
      { origin: 'http://tiles.test', path: '/', headers: {}, maxBodyBytes: 10, signal: early.signal },
      () => undefined,
      () => undefined,
    );
    early.abort();
    late.onConnect((error) => {
      if (error) aborted.push(error);
    });
    expect(aborted[0]).toBeInstanceOf(errors.RequestAbortedError);
  });

  it('stops listening to the signal once settled', () => {
    const controller = new AbortController();
    const { handler, outcome } = drive({ signal: controller.signal });
    handler.onHeaders(200, []);
    handler.onComplete();
    controller.abort();
    expect(outcome.aborted).toHaveLength(0);
    expect(outcome.response?.status).toBe(200);
  });

  it('starts over when undici retries the request on a new connection', () => {
    const { handler, outcome } = drive();
    handler.onHeaders(200, []);
    handler.onData(Buffer.from('half'));
    handler.onConnect(() => undefined);
    handler.onHeaders(200, []);
    handler.onData(Buffer.from('whole'));
    handler.onComplete();
    expect(outcome.response?.body.toString()).toBe('whole');
  });
});
