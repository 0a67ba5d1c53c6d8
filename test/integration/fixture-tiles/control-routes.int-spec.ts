import type { FaultSettings, FixtureTileStats } from '@map-offline/fixture-tiles';
import { eventually, spawnApp, SpawnedApp } from '@map-offline/testing';
import { FixtureResponse, getPath, postJson } from './fixture-http';

// The stand-alone server (dist/apps/fixture-tiles/src/main.js; `npm test` builds it), driven only over
// HTTP, as the demo, the bench and other processes drive it.
const CHANNEL_PNG = '/basic/7/64/43.png';
const SEA_PNG = '/basic/6/5/30.png';
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
// milliseconds; loading Natural Earth and building the indexes takes about a second
const START_TIMEOUT_MS = 20_000;

function spawnFixture(variables: Record<string, string>): SpawnedApp {
  return spawnApp('fixture-tiles', {
    PATH: process.env.PATH ?? '',
    FIXTURE_TILES_PORT: '0',
    FIXTURE_TILES_MAX_ZOOM: '10',
    ...variables,
  });
}

async function urlOf(app: SpawnedApp): Promise<string> {
  return eventually(async () => {
    if (app.child.exitCode !== null) throw new Error(`fixture server exited: ${app.output()}`);
    return LISTENING.exec(app.output())?.[1];
  }, START_TIMEOUT_MS);
}

const json = <T>(response: FixtureResponse): T => JSON.parse(response.body.toString('utf8')) as T;

describe('fixture tile server: control routes, out of process', () => {
  let app: SpawnedApp;
  let url: string;

  beforeAll(async () => {
    app = spawnFixture({ FIXTURE_TILES_RESOLUTION: '110m' });
    url = await urlOf(app);
  });

  afterAll(async () => {
    if (app.child.exitCode === null) {
      app.kill('SIGTERM');
      await app.exited;
    }
  });

  it('answers GET /__health', async () => {
    const health = await getPath(url, '/__health');
    expect(health.status).toBe(200);
    expect(json(health)).toEqual({ status: 'ok' });
  });

  it('moves the GET /__stats counters with tile requests, and POST /__reset zeroes them', async () => {
    await postJson(url, '/__reset', {});
    const tiles = await Promise.all([
      getPath(url, CHANNEL_PNG),
      getPath(url, SEA_PNG),
      getPath(url, '/x.png'),
    ]);
    const stats = json<FixtureTileStats>(await getPath(url, '/__stats'));
    expect(stats.requests).toBe(3);
    expect(stats.byStatus).toEqual({ '200': 2, '404': 1 });
    expect(stats.bytesSent).toBe(tiles.reduce((sum, response) => sum + response.body.length, 0));
    expect(stats.cacheEntries).toBeGreaterThanOrEqual(2);

    const reset = await postJson(url, '/__reset', {});
    expect(reset.status).toBe(200);
    expect(json<FixtureTileStats>(reset)).toMatchObject({ requests: 0, byStatus: {}, bytesSent: 0 });
    await expect(getPath(url, '/__stats').then(json<FixtureTileStats>)).resolves.toMatchObject({
      requests: 0,
      cacheEntries: stats.cacheEntries,
    });
  });

  it('replaces the fault settings with POST /__faults and reads them back with GET /__faults', async () => {
    const set = await postJson(url, '/__faults', { rateLimitRate: 1, retryAfterSeconds: 9, seed: 1 });
    expect(set.status).toBe(200);
    expect(json<FaultSettings>(set)).toMatchObject({ rateLimitRate: 1, retryAfterSeconds: 9, errorRate: 0 });
    await expect(getPath(url, '/__faults').then(json<FaultSettings>)).resolves.toMatchObject({
      rateLimitRate: 1,
      retryAfterSeconds: 9,
    });
    const limited = await getPath(url, CHANNEL_PNG);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');

    await postJson(url, '/__faults', { errorRate: 1 });
    await expect(getPath(url, CHANNEL_PNG)).resolves.toMatchObject({ status: 500 });

    await postJson(url, '/__faults', {
      failTiles: [{ tiles: [{ z: 6, x: 5, y: 30 }], times: 2, status: 502 }],
    });
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await getPath(url, SEA_PNG)).status);
    expect(statuses).toEqual([502, 502, 200]);

    // An empty object turns every fault off.
    const cleared = await postJson(url, '/__faults', {});
    expect(json<FaultSettings>(cleared)).toMatchObject({ errorRate: 0, rateLimitRate: 0, failTiles: [] });
    await expect(getPath(url, CHANNEL_PNG)).resolves.toMatchObject({ status: 200 });
  });

  it('answers 400 to bad fault settings and keeps the ones in force', async () => {
    await postJson(url, '/__faults', { latencyMs: 5 });
    const tooHigh = await postJson(url, '/__faults', { errorRate: 0.7, rateLimitRate: 0.7 });
    expect(tooHigh.status).toBe(400);
    expect(json<{ issues: unknown[] }>(tooHigh).issues.length).toBeGreaterThan(0);
    const unknown = await postJson(url, '/__faults', { latency: 5 });
    expect(unknown.status).toBe(400);
    const notJson = await fetch(`${url}/__faults`, { method: 'POST', body: '{"errorRate":' });
    expect(notJson.status).toBe(400);
    await expect(getPath(url, '/__faults').then(json<FaultSettings>)).resolves.toMatchObject({
      latencyMs: 5,
    });
    await postJson(url, '/__faults', {});
  });

  it('changes tiles with POST /__changes and undoes it with POST /__changes/clear', async () => {
    const [channel, sea] = await Promise.all([getPath(url, CHANNEL_PNG), getPath(url, SEA_PNG)]);
    const changed = await postJson(url, '/__changes', { tiles: [{ z: 7, x: 64, y: 43 }], version: 2 });
    expect(changed.status).toBe(200);
    expect(json(changed)).toEqual({ changed: 1, version: '2' });
    const [newChannel, sameSea] = await Promise.all([getPath(url, CHANNEL_PNG), getPath(url, SEA_PNG)]);
    expect(newChannel.body.equals(channel.body)).toBe(false);
    expect(newChannel.headers.get('etag')).not.toBe(channel.headers.get('etag'));
    expect(sameSea.body.equals(sea.body)).toBe(true);

    const refused = await postJson(url, '/__changes', { tiles: [], version: '3' });
    expect(refused.status).toBe(400);

    await expect(postJson(url, '/__changes/clear', {})).resolves.toMatchObject({ status: 200 });
    const restored = await getPath(url, CHANNEL_PNG);
    expect(restored.body.equals(channel.body)).toBe(true);
  });

  it('answers 404 with JSON for an unknown control route, and stops on SIGTERM with exit code 0', async () => {
    const unknown = await getPath(url, '/__nothing');
    expect(unknown.status).toBe(404);
    expect(json<{ error: string }>(unknown).error).toMatch(/no control route/);
    app.kill('SIGTERM');
    await expect(app.exited).resolves.toBe(0);
  });
});

describe('fixture tile server: FIXTURE_TILES_* variables', () => {
  it('starts with the faults the environment sets', async () => {
    const app = spawnFixture({
      FIXTURE_TILES_RESOLUTION: '110m',
      FIXTURE_TILES_HTML_ERROR_RATE: '1',
      FIXTURE_TILES_LATENCY_MS: '20',
    });
    try {
      const url = await urlOf(app);
      await expect(getPath(url, '/__faults').then(json<FaultSettings>)).resolves.toMatchObject({
        htmlErrorRate: 1,
        latencyMs: 20,
      });
      const page = await getPath(url, SEA_PNG);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      app.kill('SIGTERM');
      await app.exited;
    }
  });

  it('exits non-zero naming every bad variable', async () => {
    const app = spawnFixture({ FIXTURE_TILES_ERROR_RATE: '2', FIXTURE_TILES_PRERENDER_ZOOMS: 'all' });
    await expect(app.exited).resolves.toBe(1);
    expect(app.output()).toMatch(/FIXTURE_TILES_ERROR_RATE/);
    expect(app.output()).toMatch(/FIXTURE_TILES_PRERENDER_ZOOMS/);
  });
});
