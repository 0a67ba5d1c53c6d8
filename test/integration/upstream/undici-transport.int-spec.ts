import { createServer } from 'node:net';
import {
  createUpstreamTileClient,
  TileFailureCode,
  UndiciHttpTransport,
  TransportErrorKind,
  UpstreamTileSource,
} from '@map-offline/upstream';
import { PNG_BODY, ScriptedHttpServer, sendPng } from './scripted-http-server';

const FAST_RETRIES = { backoff: { baseDelayMs: 10, maxDelayMs: 50 } };

function sourceFor(
  server: ScriptedHttpServer,
  overrides: Partial<UpstreamTileSource> = {},
): UpstreamTileSource {
  return {
    id: `scripted-${server.url}`,
    urlTemplate: `${server.url}/{z}/{x}/{y}.png?api_key=QUERY-SECRET`,
    scheme: 'xyz',
    format: 'png',
    maxConcurrentRequests: 8,
    headers: { 'X-Api-Key': 'HEADER-SECRET' },
    ...overrides,
  };
}

function tilesAt(z: number, count: number) {
  const side = 2 ** z;
  return Array.from({ length: count }, (_, index) => ({ z, x: index % side, y: Math.floor(index / side) }));
}

describe('upstream client over real HTTP (undici)', () => {
  let server: ScriptedHttpServer;

  beforeEach(async () => {
    server = await new ScriptedHttpServer((_request, response) => sendPng(response)).start();
  });

  afterEach(async () => {
    await server.close();
  });

  it('sends User-Agent and secret headers and never puts a secret in a result', async () => {
    server.handle((_request, response) => {
      response.writeHead(500);
      response.end();
    });
    const client = createUpstreamTileClient({ client: { ...FAST_RETRIES, maxAttemptsPerTile: 2 } });
    const { results } = await client.fetchTiles(sourceFor(server), [{ z: 1, x: 1, y: 0 }]);
    await client.close();

    expect(server.received[0].path).toBe('/1/1/0.png?api_key=QUERY-SECRET');
    expect(server.received[0].headers['user-agent']).toMatch(/^map-offline\/\d+\.\d+\.\d+/);
    expect(server.received[0].headers['x-api-key']).toBe('HEADER-SECRET');
    expect(server.received[0].headers.accept).toBe('image/png,image/*;q=0.8');
    expect(results[0].failure?.url).toBe(`${server.url}/1/1/0.png`);
    expect(JSON.stringify(results)).not.toMatch(/SECRET/);
  });

  it('never has more requests in flight than maxConcurrentRequests, across concurrent batches', async () => {
    server.handle((_request, response) => sendPng(response, 5));
    const client = createUpstreamTileClient();
    const source = sourceFor(server, { maxConcurrentRequests: 6 });
    const batches = await Promise.all([6, 7, 8].map((z) => client.fetchTiles(source, tilesAt(z, 100))));
    await client.close();

    expect(batches.flatMap((batch) => batch.results).every((result) => result.outcome === 'FETCHED')).toBe(
      true,
    );
    expect(server.received).toHaveLength(300);
    expect(server.peakInFlight).toBe(6);
  });

  it('maps 204 to EMPTY', async () => {
    server.handle((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const client = createUpstreamTileClient();
    const { results } = await client.fetchTiles(sourceFor(server), [{ z: 0, x: 0, y: 0 }]);
    await client.close();
    expect(results[0]).toMatchObject({ outcome: 'EMPTY', attempts: 1 });
  });

  it('enforces the body size limit from Content-Length and while streaming a chunked body', async () => {
    const big = Buffer.concat([PNG_BODY, Buffer.alloc(10_000)]);
    server.handle((request, response) => {
      if (request.url?.startsWith('/0/')) {
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': big.length });
        response.end(big);
        return;
      }
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(big.subarray(0, 4_000));
      setTimeout(() => response.end(big.subarray(4_000)), 10);
    });
    const client = createUpstreamTileClient({ client: { maxBodyBytes: 5_000 } });
    const { results } = await client.fetchTiles(sourceFor(server), [
      { z: 0, x: 0, y: 0 },
      { z: 1, x: 0, y: 0 },
    ]);
    await client.close();
    for (const result of results) {
      expect(result).toMatchObject({
        outcome: 'FAILED',
        attempts: 1,
        failure: { code: TileFailureCode.BODY_TOO_LARGE, retryable: false },
      });
      expect(result.failure?.reason).toContain('the limit is 5000 bytes');
    }
  });

  it('times out a slow server (headers) and retries, then succeeds', async () => {
    let calls = 0;
    server.handle((_request, response) => {
      calls += 1;
      if (calls === 1) return; // never answers: the client's headers timeout fires
      sendPng(response);
    });
    const client = createUpstreamTileClient({ transport: { headersTimeoutMs: 100 }, client: FAST_RETRIES });
    const { results, statistics } = await client.fetchTiles(sourceFor(server), [{ z: 0, x: 0, y: 0 }]);
    await client.close();
    expect(results[0]).toMatchObject({ outcome: 'FETCHED', attempts: 2 });
    expect(statistics.transportErrors).toEqual({ [TransportErrorKind.TIMEOUT]: 1 });
  });

  it('reports a refused connection as a retryable CONNECTION failure', async () => {
    // A port that was just free and is closed again refuses connections.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = createUpstreamTileClient({ client: { ...FAST_RETRIES, maxAttemptsPerTile: 2 } });
    const source = { ...sourceFor(server), urlTemplate: `http://127.0.0.1:${port}/{z}/{x}/{y}.png` };
    const { results } = await client.fetchTiles(source, [{ z: 0, x: 0, y: 0 }]);
    await client.close();
    expect(results[0]).toMatchObject({
      outcome: 'FAILED',
      attempts: 2,
      failure: {
        code: TileFailureCode.CONNECTION,
        retryable: true,
        reason: 'connection failed (ECONNREFUSED); gave up after 2 attempts',
      },
    });
  });

  it('calls checkAddress at connect time, for IP literals and resolved names, and sends nothing when refused', async () => {
    const checked: string[] = [];
    const client = createUpstreamTileClient({
      checkAddress: (address, { hostname }) => {
        checked.push(`${hostname}->${address}`);
        return false;
      },
    });
    const literal = await client.fetchTiles(sourceFor(server), [{ z: 0, x: 0, y: 0 }]);
    const named = await client.fetchTiles(
      {
        ...sourceFor(server),
        id: 'named',
        urlTemplate: server.url.replace('127.0.0.1', 'localhost') + '/{z}/{x}/{y}.png',
      },
      [{ z: 0, x: 0, y: 0 }],
    );
    await client.close();

    for (const { results } of [literal, named]) {
      expect(results[0]).toMatchObject({
        outcome: 'FAILED',
        attempts: 1,
        failure: { code: TileFailureCode.ADDRESS_NOT_ALLOWED, retryable: false },
      });
    }
    expect(literal.results[0].failure?.reason).toBe(
      'connecting to 127.0.0.1 is not allowed by the address policy',
    );
    expect(named.results[0].failure?.reason).toMatch(
      /^connecting to (127\.0\.0\.1|::1) \(resolved from localhost\) is not allowed/,
    );
    expect(checked[0]).toBe('127.0.0.1->127.0.0.1');
    expect(checked.some((entry) => entry.startsWith('localhost->'))).toBe(true);
    expect(server.received).toHaveLength(0);
  });

  it('follows a redirect only when enabled, re-checks the new address and keeps secrets to the template host', async () => {
    const target = await new ScriptedHttpServer((_request, response) => sendPng(response)).start();
    try {
      server.handle((_request, response) => {
        response.writeHead(302, { location: `${target.url}/moved/0/0/0.png` });
        response.end();
      });
      const source = sourceFor(server);
      const strict = createUpstreamTileClient();
      const refused = await strict.fetchTiles(source, [{ z: 0, x: 0, y: 0 }]);
      await strict.close();
      expect(refused.results[0].failure).toMatchObject({
        code: TileFailureCode.REDIRECT,
        status: 302,
        retryable: false,
      });
      expect(target.received).toHaveLength(0);

      const checkedAddresses: string[] = [];
      const following = createUpstreamTileClient({
        client: { followRedirects: 3 },
        checkAddress: (address) => {
          checkedAddresses.push(address);
          return true;
        },
      });
      const { results } = await following.fetchTiles(source, [{ z: 0, x: 0, y: 0 }]);
      await following.close();
      expect(results[0]).toMatchObject({ outcome: 'FETCHED', attempts: 1 });
      expect(results[0].bytes?.equals(PNG_BODY)).toBe(true);
      expect(target.received).toHaveLength(1);
      expect(target.received[0].headers['x-api-key']).toBeUndefined();
      expect(target.received[0].headers['user-agent']).toMatch(/^map-offline\//);
      // one connection to each server, each checked
      expect(checkedAddresses).toEqual(['127.0.0.1', '127.0.0.1']);

      // allows the first connection (the template's host), refuses the second (the redirect target)
      let checks = 0;
      const blockedTarget = createUpstreamTileClient({
        client: { followRedirects: 3 },
        checkAddress: () => {
          checks += 1;
          return checks === 1;
        },
      });
      const blocked = await blockedTarget.fetchTiles(source, [{ z: 0, x: 0, y: 0 }]);
      await blockedTarget.close();
      expect(blocked.results[0].failure?.code).toBe(TileFailureCode.ADDRESS_NOT_ALLOWED);
      expect(checks).toBe(2);
      expect(target.received).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it('closes cleanly with idle keep-alive connections', async () => {
    const transport = new UndiciHttpTransport();
    const response = await transport.get({
      origin: server.url,
      path: '/0/0/0.png',
      headers: {},
      maxBodyBytes: 1_000,
    });
    expect(response.status).toBe(200);
    await expect(transport.close()).resolves.toBeUndefined();
  });
});
