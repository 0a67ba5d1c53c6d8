import { gunzipSync } from 'node:zlib';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import {
  createUpstreamTileClient,
  matchesFormat,
  TileFailureCode,
  tileKey,
  UpstreamTileClient,
  UpstreamTileSource,
} from '@map-offline/upstream';

// Fast retries so storms finish quickly; the 429 test sets its own Retry-After.
const CLIENT_SETTINGS = { backoff: { baseDelayMs: 20, maxDelayMs: 200 } };

function tilesAt(z: number, count: number, offset = 0) {
  const side = 2 ** z;
  return Array.from({ length: count }, (_, index) => ({
    z,
    x: (offset + index) % side,
    y: Math.floor((offset + index) / side) % side,
  }));
}

describe('upstream client against the fixture tile server', () => {
  let server: FixtureTileServer;
  let client: UpstreamTileClient;
  let png: UpstreamTileSource;

  beforeAll(async () => {
    server = await startFixtureTileServer({ resolution: '110m', maxZoom: 12 });
    client = createUpstreamTileClient({ client: CLIENT_SETTINGS });
    png = {
      id: 'fixture-png',
      urlTemplate: server.templates.png,
      scheme: 'xyz',
      format: 'png',
      maxConcurrentRequests: 16,
    };
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  beforeEach(() => {
    server.setFaults({});
    server.resetStats();
    server.clearChanges();
  });

  it('fetches PNG tiles with ETag and expiry, and the same tiles through the TMS and quadkey templates', async () => {
    const tiles = tilesAt(3, 64);
    const before = Date.now();
    const xyz = await client.fetchTiles(png, tiles);
    expect(xyz.results.every((result) => result.outcome === 'FETCHED' && result.attempts === 1)).toBe(true);
    for (const result of xyz.results) {
      expect(matchesFormat('png', result.bytes ?? Buffer.alloc(0))).toBe(true);
      expect(result.contentType).toBe('image/png');
      expect(result.etag).toMatch(/^"/);
      // the fixture sends Cache-Control: public, max-age=86400
      expect(result.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
      expect(result.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 86_400_000);
    }
    expect(xyz.statistics).toMatchObject({ requests: 64, retries: 0, statusCounts: { '200': 64 } });

    for (const template of [server.templates.tms, server.templates.quadkey]) {
      const other = await client.fetchTiles(
        { ...png, id: `fixture-${template}`, urlTemplate: template },
        tiles,
      );
      other.results.forEach((result, index) => {
        expect(result.tile).toEqual(tiles[index]);
        expect(result.bytes?.equals(xyz.results[index].bytes!)).toBe(true);
      });
    }
    // A TMS source whose server counts rows from the south, written with {y}
    const tmsWithY = {
      ...png,
      id: 'fixture-tms-y',
      scheme: 'tms' as const,
      urlTemplate: server.templates.tms.replace('{-y}', '{y}'),
    };
    const flipped = await client.fetchTiles(tmsWithY, tiles);
    flipped.results.forEach((result, index) =>
      expect(result.bytes?.equals(xyz.results[index].bytes!)).toBe(true),
    );
  });

  it('fetches gzip MVT tiles', async () => {
    const mvt: UpstreamTileSource = {
      ...png,
      id: 'fixture-mvt',
      urlTemplate: server.templates.mvt,
      format: 'mvt',
    };
    const { results } = await client.fetchTiles(mvt, [{ z: 4, x: 8, y: 5 }]);
    expect(results[0].outcome).toBe('FETCHED');
    const bytes = results[0].bytes!;
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes)[0]).toBe(0x1a);
  });

  it('maps 404 (a zoom the server does not have) to EMPTY without retrying', async () => {
    const { results, statistics } = await client.fetchTiles(png, [
      { z: 13, x: 1, y: 1 },
      { z: 14, x: 2, y: 3 },
    ]);
    expect(results.map((result) => [result.outcome, result.attempts])).toEqual([
      ['EMPTY', 1],
      ['EMPTY', 1],
    ]);
    expect(statistics.statusCounts).toEqual({ '404': 2 });
    expect(server.stats().byStatus).toEqual({ '404': 2 });
  });

  it('rides out a 500 storm: failing tiles are retried and recover, counts match the server', async () => {
    const tiles = tilesAt(5, 200);
    server.setFaults({ failTiles: [{ tiles: tiles.slice(0, 30), times: 2, status: 500 }] });
    // The default budget, max(20, 10% of 200) = 20 retries, is less than the 60 this storm needs.
    const generous = createUpstreamTileClient({
      client: { ...CLIENT_SETTINGS, retryBudget: { minimumRetries: 20, retryRatio: 0.5 } },
    });
    const { results, statistics } = await generous.fetchTiles(png, tiles).finally(() => generous.close());

    expect(results.every((result) => result.outcome === 'FETCHED')).toBe(true);
    expect(results.slice(0, 30).every((result) => result.attempts === 3)).toBe(true);
    expect(results.slice(30).every((result) => result.attempts === 1)).toBe(true);
    expect(statistics.retryBudget).toEqual({ allowed: 100, used: 60 });
    expect(server.stats().byStatus).toEqual({ '500': 60, '200': 200 });
    expect(statistics.statusCounts).toEqual({ '500': 60, '200': 200 });
    expect(statistics.retries).toBe(60);
  });

  it('spends at most the retry budget during an outage and reports the remaining failures', async () => {
    const tiles = tilesAt(6, 100);
    server.setFaults({ errorRate: 1 });
    const { results, statistics } = await client.fetchTiles(png, tiles);

    expect(statistics.retryBudget).toEqual({ allowed: 20, used: 20 });
    expect(server.stats().requests).toBe(120);
    expect(
      results.every(
        (result) => result.outcome === 'FAILED' && result.failure?.code === TileFailureCode.SERVER_ERROR,
      ),
    ).toBe(true);
    expect(
      results.filter((result) => result.failure?.gaveUp === 'RETRY_BUDGET').length,
    ).toBeGreaterThanOrEqual(80);

    server.setFaults({});
    const recovered = await client.fetchTiles(png, tiles);
    expect(recovered.results.every((result) => result.outcome === 'FETCHED')).toBe(true);
  });

  it('honours Retry-After on 429 (the measured wait is at least the header)', async () => {
    const tile = { z: 7, x: 10, y: 20 };
    server.setFaults({ retryAfterSeconds: 1, failTiles: [{ tiles: [tile], times: 1, status: 429 }] });
    const started = performance.now();
    const { results, statistics } = await client.fetchTiles(png, [tile]);
    const waitedMs = performance.now() - started;

    expect(results[0]).toMatchObject({ outcome: 'FETCHED', attempts: 2 });
    expect(statistics.statusCounts).toEqual({ '429': 1, '200': 1 });
    expect(waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(waitedMs).toBeLessThan(1_000 + 200 + 1_000);
    expect(server.tileRequestCount(tile)).toBe(2);
  });

  it('refuses an HTML error page served as 200 and says so', async () => {
    server.setFaults({ htmlErrorRate: 1 });
    const strict = createUpstreamTileClient({ client: { ...CLIENT_SETTINGS, maxAttemptsPerTile: 2 } });
    try {
      const { results } = await strict.fetchTiles(png, tilesAt(2, 4));
      for (const result of results) {
        expect(result.outcome).toBe('FAILED');
        expect(result.attempts).toBe(2);
        expect(result.failure).toMatchObject({
          code: TileFailureCode.INVALID_BODY,
          status: 200,
          retryable: true,
          reason: 'upstream returned text/html instead of a PNG tile; gave up after 2 attempts',
        });
      }
    } finally {
      await strict.close();
    }
  });

  it('refreshes with If-None-Match: 304 -> NOT_MODIFIED, a changed tile -> FETCHED with a new ETag', async () => {
    const tiles = tilesAt(4, 10);
    const first = await client.fetchTiles(png, tiles);
    const previousEtags = new Map(first.results.map((result) => [tileKey(result.tile), result.etag!]));
    server.changeTiles([tiles[3]], 'v2');
    server.resetStats();

    const { results, statistics } = await client.fetchTiles(png, tiles, { previousEtags });
    expect(results.filter((result) => result.outcome === 'NOT_MODIFIED')).toHaveLength(9);
    expect(results[3].outcome).toBe('FETCHED');
    expect(results[3].etag).not.toBe(first.results[3].etag);
    expect(results[0].etag).toBe(first.results[0].etag);
    expect(results[0].bytes).toBeUndefined();
    expect(statistics.statusCounts).toEqual({ '304': 9, '200': 1 });
    expect(server.stats().bytesSent).toBe(results[3].bytes!.length);
  });

  it('stops scheduling on abort: what was sent finishes, the rest is ABORTED and never requested', async () => {
    server.setFaults({ latencyMs: 50 });
    const controller = new AbortController();
    const source = { ...png, id: 'fixture-abort', maxConcurrentRequests: 4 };
    setTimeout(() => controller.abort(), 120);
    const { results } = await client.fetchTiles(source, tilesAt(8, 200), { signal: controller.signal });

    const fetched = results.filter((result) => result.outcome === 'FETCHED').length;
    const aborted = results.filter((result) => result.failure?.code === TileFailureCode.ABORTED).length;
    expect(fetched + aborted).toBe(200);
    // about 3 rounds of 4 at 50 ms before the abort at 120 ms
    expect(fetched).toBeGreaterThanOrEqual(4);
    expect(fetched).toBeLessThanOrEqual(16);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.stats().requests).toBe(fetched);
  });
});
