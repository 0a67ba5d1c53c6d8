import {
  LocalConcurrencyLimiter,
  LocalRateLimiter,
  TileFailureCode,
  TransportErrorKind,
  UpstreamClientSettings,
  UpstreamSourceError,
  UpstreamSourceErrorCode,
  UpstreamTileClient,
  UpstreamTileSource,
  UpstreamTransportError,
} from '@map-offline/upstream';
import {
  FixedRandom,
  InstantClock,
  png,
  PNG_BYTES,
  response,
  ScriptedTransport,
} from '../test/upstream-fakes';

const SOURCE: UpstreamTileSource = {
  id: 'source-1',
  urlTemplate: 'https://tiles.example.org/{z}/{x}/{y}.png?key=SECRET-QUERY',
  scheme: 'xyz',
  format: 'png',
  maxConcurrentRequests: 4,
  headers: { 'X-Api-Key': 'SECRET-HEADER' },
};

function tilesAtZoom(z: number, count: number) {
  const side = 2 ** z;
  return Array.from({ length: count }, (_, index) => ({ z, x: index % side, y: Math.floor(index / side) }));
}

function pathOf(tile: { z: number; x: number; y: number }): string {
  return `/${tile.z}/${tile.x}/${tile.y}.png?key=SECRET-QUERY`;
}

function clientWith(
  transport: ScriptedTransport,
  settings: Partial<UpstreamClientSettings> = {},
  clock = new InstantClock(),
) {
  const client = new UpstreamTileClient(
    {
      transport,
      concurrencyLimiter: new LocalConcurrencyLimiter(),
      rateLimiter: new LocalRateLimiter(clock),
      clock,
      random: new FixedRandom(0.5),
    },
    settings,
  );
  return { client, clock };
}

describe('UpstreamTileClient outcomes', () => {
  it('maps 200 to FETCHED with validators, 404 and 204 to EMPTY, 403 to a permanent failure', async () => {
    const tiles = tilesAtZoom(2, 4);
    const transport = new ScriptedTransport(png())
      .script(pathOf(tiles[0]), [png({ etag: '"v1"', 'cache-control': 'max-age=60' })])
      .script(pathOf(tiles[1]), [response(404)])
      .script(pathOf(tiles[2]), [response(204)])
      .script(pathOf(tiles[3]), [response(403)]);
    const { client, clock } = clientWith(transport);
    const started = clock.now();
    const { results, statistics } = await client.fetchTiles(SOURCE, tiles);

    expect(results.map((result) => result.outcome)).toEqual(['FETCHED', 'EMPTY', 'EMPTY', 'FAILED']);
    expect(results[0]).toMatchObject({
      tile: tiles[0],
      bytes: PNG_BYTES,
      contentType: 'image/png',
      etag: '"v1"',
      attempts: 1,
    });
    expect(results[0].expiresAt).toEqual(new Date(started + 60_000));
    expect(results[3].failure).toEqual({
      code: TileFailureCode.CLIENT_ERROR,
      reason: 'HTTP 403 from upstream',
      status: 403,
      retryable: false,
      url: 'https://tiles.example.org/2/3/0.png',
    });
    expect(results[3].attempts).toBe(1);
    expect(statistics).toMatchObject({
      tiles: 4,
      requests: 4,
      retries: 0,
      outcomes: { FETCHED: 1, EMPTY: 2, NOT_MODIFIED: 0, FAILED: 1 },
      statusCounts: { '200': 1, '404': 1, '204': 1, '403': 1 },
      bytesReceived: PNG_BYTES.length,
    });
    expect(statistics.latencyMilliseconds).toHaveLength(4);
  });

  it('sends the User-Agent, Accept and secret headers, and keeps secrets out of results', async () => {
    const transport = new ScriptedTransport(response(500));
    const { client } = clientWith(transport, { maxAttemptsPerTile: 1, userAgent: 'map-offline/9.9.9' });
    const { results } = await client.fetchTiles(SOURCE, tilesAtZoom(1, 1));

    expect(transport.requests[0]).toMatchObject({
      origin: 'https://tiles.example.org',
      path: '/1/0/0.png?key=SECRET-QUERY',
      headers: {
        'user-agent': 'map-offline/9.9.9',
        accept: 'image/png,image/*;q=0.8',
        'X-Api-Key': 'SECRET-HEADER',
      },
    });
    expect(JSON.stringify(results)).not.toContain('SECRET');
  });

  it('sends If-None-Match for known ETags and maps 304 to NOT_MODIFIED keeping the ETag', async () => {
    const tiles = tilesAtZoom(3, 2);
    const transport = new ScriptedTransport((request) =>
      request.headers['if-none-match'] === '"old"' ? response(304, { 'cache-control': 'max-age=10' }) : png(),
    );
    const { client, clock } = clientWith(transport);
    const { results } = await client.fetchTiles(SOURCE, tiles, {
      previousEtags: new Map([['3/0/0', '"old"']]),
    });

    expect(results[0]).toMatchObject({ outcome: 'NOT_MODIFIED', etag: '"old"', attempts: 1 });
    expect(results[0].expiresAt).toEqual(new Date(clock.now() + 10_000));
    expect(results[1].outcome).toBe('FETCHED');
    expect(
      transport.requests.find((request) => request.path === pathOf(tiles[1]))?.headers['if-none-match'],
    ).toBeUndefined();
  });

  it('refuses an HTML page served as 200, retries it, and reports the reason when it persists', async () => {
    const html = response(200, { 'content-type': 'text/html' }, Buffer.from('<html>maintenance</html>'));
    const tiles = tilesAtZoom(1, 2);
    const transport = new ScriptedTransport(html).script(pathOf(tiles[1]), [html, png()]);
    const { client } = clientWith(transport, { maxAttemptsPerTile: 3 });
    const { results } = await client.fetchTiles(SOURCE, tiles);

    expect(results[0]).toMatchObject({ outcome: 'FAILED', attempts: 3 });
    expect(results[0].failure).toMatchObject({
      code: TileFailureCode.INVALID_BODY,
      reason: 'upstream returned text/html instead of a PNG tile; gave up after 3 attempts',
      retryable: true,
      gaveUp: 'ATTEMPT_LIMIT',
    });
    expect(results[1]).toMatchObject({ outcome: 'FETCHED', attempts: 2 });
  });

  it('does not request tiles outside the grid', async () => {
    const transport = new ScriptedTransport(png());
    const { client } = clientWith(transport);
    const { results } = await client.fetchTiles(SOURCE, [{ z: 1, x: 2, y: 0 }]);
    expect(results[0]).toMatchObject({
      outcome: 'FAILED',
      attempts: 0,
      failure: { code: TileFailureCode.INVALID_TILE },
    });
    expect(transport.requests).toHaveLength(0);
  });

  it('throws UpstreamSourceError for an invalid source before requesting anything', async () => {
    const transport = new ScriptedTransport(png());
    const { client } = clientWith(transport);
    const bad = {
      ...SOURCE,
      urlTemplate: 'https://{s}.example.org/{z}/{x}.png',
      headers: { 'X-Key': 'a\r\nb' },
    };
    await expect(client.fetchTiles(bad, tilesAtZoom(1, 1))).rejects.toThrow(UpstreamSourceError);
    let caught: unknown;
    try {
      client.streamTiles(bad, tilesAtZoom(1, 1));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamSourceError);
    const codes = (caught as UpstreamSourceError).problems.map((problem) => problem.code);
    expect(codes).toEqual([
      UpstreamSourceErrorCode.HEADER_INVALID,
      UpstreamSourceErrorCode.TEMPLATE_MISSING_PLACEHOLDER,
      UpstreamSourceErrorCode.SUBDOMAINS_MISSING,
    ]);
    expect((caught as Error).message).not.toContain('a\r\nb');
    expect(transport.requests).toHaveLength(0);
  });
});

describe('UpstreamTileClient retries', () => {
  it('retries 5xx, timeouts and connection errors with full-jitter backoff, then succeeds', async () => {
    const tile = { z: 4, x: 3, y: 9 };
    const timeout = new UpstreamTransportError(
      TransportErrorKind.TIMEOUT,
      'https://x/4/3/9.png',
      'response headers timeout',
    );
    const refused = new UpstreamTransportError(
      TransportErrorKind.CONNECTION,
      'https://x/4/3/9.png',
      'connection failed (ECONNREFUSED)',
    );
    const transport = new ScriptedTransport(png()).script(pathOf(tile), [
      response(503),
      timeout,
      refused,
      png(),
    ]);
    const { client, clock } = clientWith(transport, { backoff: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    const { results, statistics } = await client.fetchTiles(SOURCE, [tile]);

    expect(results[0]).toMatchObject({ outcome: 'FETCHED', attempts: 4 });
    // random 0.5: half of 100, 200, 400
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(statistics).toMatchObject({
      requests: 4,
      retries: 3,
      statusCounts: { '503': 1, '200': 1 },
      transportErrors: { TIMEOUT: 1, CONNECTION: 1 },
      retryBudget: { allowed: 20, used: 3 },
    });
  });

  it('waits at least Retry-After on 429 and pauses the whole source meanwhile', async () => {
    const tiles = tilesAtZoom(2, 3);
    const transport = new ScriptedTransport(png()).script(pathOf(tiles[0]), [
      response(429, { 'retry-after': '7' }),
      png(),
    ]);
    const { client, clock } = clientWith(transport, { backoff: { baseDelayMs: 100, maxDelayMs: 1_000 } });
    const { results } = await client.fetchTiles({ ...SOURCE, maxConcurrentRequests: 1 }, tiles);

    expect(results.map((result) => result.outcome)).toEqual(['FETCHED', 'FETCHED', 'FETCHED']);
    expect(results[0].attempts).toBe(2);
    expect(clock.sleeps[0]).toBe(7_000);
    expect(clock.sleeps.reduce((sum, sleep) => sum + sleep, 0)).toBeGreaterThanOrEqual(7_000);
  });

  it('caps Retry-After at the configured maximum', async () => {
    const tile = { z: 1, x: 1, y: 1 };
    const transport = new ScriptedTransport(png()).script(pathOf(tile), [
      response(503, { 'retry-after': '86400' }),
      png(),
    ]);
    const { client, clock } = clientWith(transport, { maxRetryAfterMs: 2_500 });
    await expect(client.fetchTiles(SOURCE, [tile])).resolves.toMatchObject({
      results: [{ outcome: 'FETCHED' }],
    });
    expect(clock.sleeps[0]).toBe(2_500);
  });

  it('never retries other 4xx, oversized bodies or refused addresses', async () => {
    const tiles = tilesAtZoom(2, 3);
    const transport = new ScriptedTransport(png())
      .script(pathOf(tiles[0]), [response(401)])
      .script(pathOf(tiles[1]), [
        new UpstreamTransportError(TransportErrorKind.BODY_TOO_LARGE, 'u', 'too large'),
      ])
      .script(pathOf(tiles[2]), [
        new UpstreamTransportError(TransportErrorKind.ADDRESS_NOT_ALLOWED, 'u', 'not allowed'),
      ]);
    const { client } = clientWith(transport);
    const { results, statistics } = await client.fetchTiles(SOURCE, tiles);

    expect(
      results.map((result) => [result.failure?.code, result.failure?.retryable, result.attempts]),
    ).toEqual([
      [TileFailureCode.CLIENT_ERROR, false, 1],
      [TileFailureCode.BODY_TOO_LARGE, false, 1],
      [TileFailureCode.ADDRESS_NOT_ALLOWED, false, 1],
    ]);
    expect(statistics.retries).toBe(0);
  });

  it('stops retrying when the batch retry budget is spent and reports the rest', async () => {
    // 300 tiles -> budget max(20, 30) = 30 retries; every request fails.
    const tiles = tilesAtZoom(5, 300);
    const transport = new ScriptedTransport(response(500));
    const { client } = clientWith(transport, { maxAttemptsPerTile: 5 });
    const { results, statistics } = await client.fetchTiles({ ...SOURCE, maxConcurrentRequests: 8 }, tiles);

    expect(statistics.retryBudget).toEqual({ allowed: 30, used: 30 });
    expect(statistics.retries).toBe(30);
    expect(statistics.requests).toBe(300 + 30);
    expect(transport.requests).toHaveLength(330);
    expect(results.every((result) => result.outcome === 'FAILED' && result.failure?.retryable === true)).toBe(
      true,
    );
    const gaveUp = results.map((result) => result.failure?.gaveUp);
    expect(gaveUp.filter((reason) => reason === 'RETRY_BUDGET').length).toBeGreaterThanOrEqual(300 - 30);
    const onBudget = results.find((result) => result.failure?.gaveUp === 'RETRY_BUDGET');
    expect(onBudget?.failure?.reason).toBe(
      "HTTP 500 from upstream; not retried: the batch's retry budget (30) is spent",
    );
  });

  it('gives small batches at least the minimum budget', async () => {
    const transport = new ScriptedTransport(response(502));
    const { client } = clientWith(transport, { maxAttemptsPerTile: 3 });
    const { statistics, results } = await client.fetchTiles(SOURCE, tilesAtZoom(3, 5));
    // 5 tiles x 2 retries each fit in the minimum of 20
    expect(statistics.retryBudget).toEqual({ allowed: 20, used: 10 });
    expect(
      results.every((result) => result.attempts === 3 && result.failure?.gaveUp === 'ATTEMPT_LIMIT'),
    ).toBe(true);
  });
});

describe('UpstreamTileClient politeness and cancellation', () => {
  it('never has more requests in flight than the source allows, across concurrent batches', async () => {
    const transport = new ScriptedTransport(png(), 2);
    const { client } = clientWith(transport, {}, new InstantClock());
    const source = { ...SOURCE, maxConcurrentRequests: 3 };
    const batches = await Promise.all([
      client.fetchTiles(source, tilesAtZoom(6, 40)),
      client.fetchTiles(source, tilesAtZoom(7, 40)),
      client.fetchTiles(source, tilesAtZoom(8, 40)),
    ]);
    expect(batches.flatMap((batch) => batch.results).every((result) => result.outcome === 'FETCHED')).toBe(
      true,
    );
    expect(transport.maxInFlight).toBe(3);
  });

  it('serves the batch started first before later ones, so batches finish one after another', async () => {
    const transport = new ScriptedTransport(png(), 1);
    const { client } = clientWith(transport, {}, new InstantClock());
    const source = { ...SOURCE, maxConcurrentRequests: 2 };
    const finished: number[] = [];
    await Promise.all(
      [6, 7, 8].map((zoom) =>
        client.fetchTiles(source, tilesAtZoom(zoom, 12)).then(() => finished.push(zoom)),
      ),
    );
    expect(finished).toEqual([6, 7, 8]);
    // Requests of a later batch only fill slots the earlier batches leave free at their tail.
    const zooms = transport.requests.map((request) => Number(request.path.split('/')[1]));
    expect(zooms.slice(0, 10).every((zoom) => zoom === 6)).toBe(true);
    expect(zooms.slice(-10).every((zoom) => zoom === 8)).toBe(true);
  });

  it('stops scheduling on abort: unsent tiles come back ABORTED without a request', async () => {
    const controller = new AbortController();
    let served = 0;
    const transport = new ScriptedTransport(() => {
      served += 1;
      if (served === 5) controller.abort();
      return png();
    });
    const { client } = clientWith(transport);
    const { results, statistics } = await client.fetchTiles(
      { ...SOURCE, maxConcurrentRequests: 1 },
      tilesAtZoom(4, 50),
      {
        signal: controller.signal,
      },
    );

    expect(transport.requests).toHaveLength(5);
    expect(results.slice(0, 5).every((result) => result.outcome === 'FETCHED')).toBe(true);
    expect(
      results
        .slice(5)
        .every((result) => result.failure?.code === TileFailureCode.ABORTED && result.attempts === 0),
    ).toBe(true);
    expect(statistics.outcomes).toMatchObject({ FETCHED: 5, FAILED: 45 });
  });

  it('reports a tile aborted during its backoff with its last failure', async () => {
    const controller = new AbortController();
    const transport = new ScriptedTransport(() => {
      controller.abort();
      return response(500);
    });
    const { client } = clientWith(transport);
    const { results } = await client.fetchTiles(SOURCE, [{ z: 0, x: 0, y: 0 }], {
      signal: controller.signal,
    });
    expect(results[0]).toMatchObject({
      outcome: 'FAILED',
      attempts: 1,
      failure: {
        code: TileFailureCode.ABORTED,
        status: 500,
        retryable: true,
        reason: 'the batch was cancelled before this tile was retried (last failure: HTTP 500 from upstream)',
      },
    });
  });

  it('fails the whole batch when a port breaks (e.g. Redis), after in-flight requests settle', async () => {
    const clock = new InstantClock();
    let calls = 0;
    const client = new UpstreamTileClient({
      transport: new ScriptedTransport(png(), 1),
      concurrencyLimiter: new LocalConcurrencyLimiter(),
      rateLimiter: {
        acquire: async () => {
          calls += 1;
          if (calls === 3) throw new Error('redis is down');
        },
      },
      clock,
      random: new FixedRandom(0),
    });
    await expect(
      client.fetchTiles({ ...SOURCE, maxRequestsPerSecond: 10 }, tilesAtZoom(4, 20)),
    ).rejects.toThrow('redis is down');
    const stream = client.streamTiles({ ...SOURCE, maxRequestsPerSecond: 10 }, tilesAtZoom(4, 20));
    calls = 2;
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const result of stream) seen.push(result.outcome);
      })(),
    ).rejects.toThrow('redis is down');
    expect(seen.length).toBeLessThan(20);
  });
});

describe('UpstreamTileClient redirects', () => {
  it('treats a 3xx as a permanent failure by default', async () => {
    const transport = new ScriptedTransport(
      response(302, { location: 'https://elsewhere.example/x.png?token=T' }),
    );
    const { client } = clientWith(transport);
    const { results } = await client.fetchTiles(SOURCE, [{ z: 0, x: 0, y: 0 }]);
    expect(results[0].failure).toMatchObject({
      code: TileFailureCode.REDIRECT,
      status: 302,
      retryable: false,
    });
    expect(results[0].failure?.reason).toBe('upstream redirected (HTTP 302); redirects are not followed');
    expect(transport.requests).toHaveLength(1);
  });

  it('follows up to N redirects and sends secrets only to the template hosts', async () => {
    const transport = new ScriptedTransport(png()).script(pathOf({ z: 0, x: 0, y: 0 }), [
      response(301, { location: 'https://cdn.example.net/tiles/0/0/0.png' }),
    ]);
    const { client } = clientWith(transport, { followRedirects: 2 });
    const { results, statistics } = await client.fetchTiles(SOURCE, [{ z: 0, x: 0, y: 0 }]);

    expect(results[0]).toMatchObject({ outcome: 'FETCHED', attempts: 1 });
    expect(transport.requests.map((request) => `${request.origin}${request.path}`)).toEqual([
      'https://tiles.example.org/0/0/0.png?key=SECRET-QUERY',
      'https://cdn.example.net/tiles/0/0/0.png',
    ]);
    expect(transport.requests[1].headers['X-Api-Key']).toBeUndefined();
    expect(transport.requests[1].headers['user-agent']).toMatch(/^map-offline\//);
    expect(statistics.requests).toBe(2);
  });

  it('refuses a redirect loop beyond the limit and a non-http Location', async () => {
    const loop = new ScriptedTransport(response(302, { location: '/again.png' }));
    const { client } = clientWith(loop, { followRedirects: 2 });
    const { results } = await client.fetchTiles(SOURCE, [{ z: 0, x: 0, y: 0 }]);
    expect(results[0].failure?.reason).toBe('upstream redirected more than 2 times (HTTP 302)');
    expect(loop.requests).toHaveLength(3);

    const toFile = new ScriptedTransport(response(307, { location: 'file:///etc/passwd' }));
    const second = clientWith(toFile, { followRedirects: 2 });
    const refused = await second.client.fetchTiles(SOURCE, [{ z: 0, x: 0, y: 0 }]);
    expect(refused.results[0].failure).toMatchObject({
      code: TileFailureCode.REDIRECT,
      reason: 'upstream redirected to a file: URL; only http and https are followed',
    });
  });
});
