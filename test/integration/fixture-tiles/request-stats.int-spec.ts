import {
  FixtureTileServer,
  FixtureTileStats,
  startFixtureTileServer,
  tileCoordToQuadkey,
} from '@map-offline/fixture-tiles';
import { getPath, postJson } from './fixture-http';

const CHANNEL = { z: 7, x: 64, y: 43 };
const PACIFIC = { z: 6, x: 5, y: 30 };
const SOUTH_ATLANTIC = { z: 6, x: 28, y: 38 };

describe('fixture tile server: request counters', () => {
  let server: FixtureTileServer;

  beforeAll(async () => {
    server = await startFixtureTileServer({ maxZoom: 12 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.setFaults({});
    server.resetStats();
  });

  const get = (path: string, headers: Record<string, string> = {}) => getPath(server.url, path, headers);
  const remoteStats = async (): Promise<FixtureTileStats> =>
    JSON.parse((await get('/__stats')).body.toString('utf8')) as FixtureTileStats;

  it('counts requests by status, body bytes, renders and cache hits, in stats() and GET /__stats', async () => {
    const before = server.stats();
    expect(before).toMatchObject({ requests: 0, byStatus: {}, bytesSent: 0, cacheHits: 0 });

    // A coast tile is rendered once, then served from the cache.
    const first = await get('/basic/7/64/43.png');
    const second = await get('/basic/7/64/43.png');
    const afterCoast = server.stats();
    expect(afterCoast.rendered).toBe(before.rendered + 1);
    expect(afterCoast.cacheHits).toBe(1);
    expect(afterCoast.cacheEntries).toBe(before.cacheEntries + 1);
    expect(afterCoast.cacheBytes).toBeGreaterThan(before.cacheBytes + first.body.length);

    // Sea tiles share one body and are never rendered one by one.
    const sea = await get('/basic/6/5/30.png');
    const otherSea = await get('/basic/6/28/38.png');
    const notModified = await get('/basic/7/64/43.png', { 'if-none-match': first.headers.get('etag') ?? '' });
    const missing = await get('/basic/13/0/0.png');
    server.setFaults({ failTiles: [{ tiles: [PACIFIC], times: 1, status: 503 }] });
    const failed = await get('/basic/6/5/30.png');
    expect([notModified.status, missing.status, failed.status]).toEqual([304, 404, 503]);

    const stats = server.stats();
    expect(stats.requests).toBe(7);
    expect(stats.byStatus).toEqual({ '200': 4, '304': 1, '404': 1, '503': 1 });
    expect(stats.bytesSent).toBe(
      [first, second, sea, otherSea, notModified, missing, failed].reduce(
        (sum, response) => sum + response.body.length,
        0,
      ),
    );
    expect(stats.rendered).toBe(afterCoast.rendered);
    // The control route below is not a tile request: it does not count itself.
    await expect(remoteStats()).resolves.toEqual(stats);
    expect(server.stats()).toEqual(stats);
  });

  it('counts requests per tile over every style, format and path', async () => {
    await get('/basic/7/64/43.png');
    await get('/dark/7/64/43.png');
    await get('/basic/7/64/43.mvt');
    await get('/tms/basic/7/64/84.png');
    await get(`/basic/${tileCoordToQuadkey(CHANNEL)}.png`);
    await get('/basic/6/28/38.png');
    expect(server.tileRequestCount(CHANNEL)).toBe(5);
    expect(server.tileRequestCount(SOUTH_ATLANTIC)).toBe(1);
    expect(server.tileRequestCount(PACIFIC)).toBe(0);
  });

  it('zeroes the counters with resetStats() and POST /__reset, not the cache', async () => {
    await get('/basic/7/64/43.png');
    await get('/basic/7/64/43.png');
    const cached = server.stats();
    server.resetStats();
    expect(server.stats()).toMatchObject({ requests: 0, byStatus: {}, bytesSent: 0, cacheHits: 0 });
    expect(server.tileRequestCount(CHANNEL)).toBe(0);

    await get('/basic/7/64/43.png');
    expect(server.stats()).toMatchObject({ requests: 1, cacheHits: 1 });
    const reset = await postJson(server.url, '/__reset', {});
    expect(reset.status).toBe(200);
    const zeroed = JSON.parse(reset.body.toString('utf8')) as FixtureTileStats;
    expect(zeroed).toMatchObject({ requests: 0, byStatus: {}, bytesSent: 0, cacheHits: 0 });
    // What the server has rendered and cached stays.
    expect(zeroed.cacheEntries).toBe(cached.cacheEntries);
    expect(zeroed.rendered).toBe(cached.rendered);
    expect(server.tileRequestCount(CHANNEL)).toBe(0);
  });

  it('sends no body bytes for HEAD, and answers 405 to other methods', async () => {
    const head = await fetch(`${server.url}/basic/7/64/43.png`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    const put = await fetch(`${server.url}/basic/7/64/43.png`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    expect(server.stats()).toMatchObject({ requests: 2, bytesSent: 0, byStatus: { '200': 1, '405': 1 } });
  });
});
