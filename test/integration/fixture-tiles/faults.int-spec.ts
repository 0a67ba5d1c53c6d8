import { performance } from 'node:perf_hooks';
import { FixtureTileServer, startFixtureTileServer } from '@map-offline/fixture-tiles';
import { FixtureResponse, getPath } from './fixture-http';

// 100 tiles of open South Pacific at zoom 10 (about 160 W, 30 S): cheap to serve, so a thousand requests
// measure the fault draws and not the renderer.
const OCEAN_TILES = Array.from({ length: 100 }, (_, index) => ({
  z: 10,
  x: 50 + (index % 10),
  y: 600 + Math.floor(index / 10),
}));
const ROUNDS = 10;
const CHANNEL = { z: 7, x: 64, y: 43 };
const SAHARA = { z: 8, x: 143, y: 109 };
const PACIFIC = { z: 6, x: 5, y: 30 };

type Tile = { z: number; x: number; y: number };
const pngPath = (tile: Tile): string => `/basic/${tile.z}/${tile.x}/${tile.y}.png`;
const mvtPath = (tile: Tile): string => `/basic/${tile.z}/${tile.x}/${tile.y}.mvt`;

describe('fixture tile server: injected faults', () => {
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

  const get = (path: string, headers: Record<string, string> = {}): Promise<FixtureResponse> =>
    getPath(server.url, path, headers);

  /** Milliseconds from sending the request to having read the whole body. */
  const timed = async (path: string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const response = await get(path, headers);
    return { response, elapsedMs: performance.now() - started };
  };

  /**
   * ROUNDS rounds; in each, every ocean tile is asked for once, all at the same time. Rounds run one
   * after the other, so [round][tile] names one (path, attempt) pair whatever order a round arrives in.
   */
  const stormOcean = async (): Promise<FixtureResponse[][]> => {
    const rounds: FixtureResponse[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.push(await Promise.all(OCEAN_TILES.map((tile) => get(pngPath(tile)))));
    }
    return rounds;
  };

  describe('latency', () => {
    it('holds every tile answer (200, 304, 404, faults) for at least the configured milliseconds', async () => {
      const warm = await get(pngPath(SAHARA));
      const etag = warm.headers.get('etag') ?? '';
      server.setFaults({ latencyMs: 50 });

      const cached = await timed(pngPath(SAHARA));
      expect(cached.response.status).toBe(200);
      expect(cached.response.body.equals(warm.body)).toBe(true);
      expect(cached.elapsedMs).toBeGreaterThanOrEqual(50);

      const notModified = await timed(pngPath(SAHARA), { 'if-none-match': etag });
      expect(notModified.response.status).toBe(304);
      expect(notModified.elapsedMs).toBeGreaterThanOrEqual(50);

      const outsideGrid = await timed('/basic/3/9/0.png');
      expect(outsideGrid.response.status).toBe(404);
      expect(outsideGrid.elapsedMs).toBeGreaterThanOrEqual(50);

      server.setFaults({ latencyMs: 50, failTiles: [{ tiles: [SAHARA], times: 1, status: 500 }] });
      const failed = await timed(pngPath(SAHARA));
      expect(failed.response.status).toBe(500);
      expect(failed.elapsedMs).toBeGreaterThanOrEqual(50);
    });

    it('delays requests side by side, not one after the other', async () => {
      await get(pngPath(SAHARA));
      server.setFaults({ latencyMs: 100 });
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 20 }, () => get(pngPath(SAHARA))));
      const elapsedMs = performance.now() - started;
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(elapsedMs).toBeGreaterThanOrEqual(100);
      // One after the other would take 20 x 100 ms.
      expect(elapsedMs).toBeLessThan(1_000);
    });

    it('adds jitter on top of the latency, never below it', async () => {
      await get(pngPath(SAHARA));
      server.setFaults({ latencyMs: 30, jitterMs: 60, seed: 5 });
      const samples: number[] = [];
      for (let index = 0; index < 12; index += 1) samples.push((await timed(pngPath(SAHARA))).elapsedMs);
      // With seed 5 the twelve requests for this path draw delays of 35.4 to 89.7 ms (30 ms plus jitter),
      // and the server never answers before its delay: no jitter would keep every sample near 30 ms.
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(35);
      expect(Math.max(...samples)).toBeGreaterThanOrEqual(89);
    });
  });

  describe('error rates', () => {
    const settings = {
      errorRate: 0.2,
      rateLimitRate: 0.1,
      htmlErrorRate: 0.05,
      retryAfterSeconds: 7,
      seed: 42,
    };

    it('answers 500, 429 and the HTML page at about the configured rates', async () => {
      server.setFaults(settings);
      const responses = (await stormOcean()).flat();
      const total = responses.length;
      const internalErrors = responses.filter((response) => response.status === 500);
      const rateLimited = responses.filter((response) => response.status === 429);
      const htmlPages = responses.filter(
        (response) =>
          response.status === 200 && response.headers.get('content-type')?.startsWith('text/html'),
      );
      const tiles = responses.filter(
        (response) => response.status === 200 && response.headers.get('content-type') === 'image/png',
      );
      expect(total).toBe(1_000);
      expect(internalErrors.length + rateLimited.length + htmlPages.length + tiles.length).toBe(total);
      // Five standard deviations of a binomial over 1,000 draws: about 60, 45 and 35 requests.
      expect(internalErrors.length).toBeGreaterThanOrEqual(140);
      expect(internalErrors.length).toBeLessThanOrEqual(260);
      expect(rateLimited.length).toBeGreaterThanOrEqual(55);
      expect(rateLimited.length).toBeLessThanOrEqual(145);
      expect(htmlPages.length).toBeGreaterThanOrEqual(15);
      expect(htmlPages.length).toBeLessThanOrEqual(85);

      expect(rateLimited.every((response) => response.headers.get('retry-after') === '7')).toBe(true);
      expect(internalErrors.every((response) => response.headers.get('retry-after') === null)).toBe(true);
      expect(server.stats().byStatus).toEqual({
        '200': htmlPages.length + tiles.length,
        '429': rateLimited.length,
        '500': internalErrors.length,
      });
    });

    it('repeats the same answer for each (path, attempt) with the same seed, at any concurrency', async () => {
      server.setFaults(settings);
      const first = statusMatrix(await stormOcean());
      server.setFaults(settings);
      const second = statusMatrix(await stormOcean());
      expect(second).toEqual(first);

      // One request at a time gives the same answers as a hundred at once.
      server.setFaults(settings);
      const sequential: FixtureResponse[][] = [];
      for (let round = 0; round < 3; round += 1) {
        const responses: FixtureResponse[] = [];
        for (const tile of OCEAN_TILES) responses.push(await get(pngPath(tile)));
        sequential.push(responses);
      }
      expect(statusMatrix(sequential)).toEqual(first.slice(0, 3));

      server.setFaults({ ...settings, seed: 43 });
      const otherSeed = statusMatrix(await stormOcean());
      expect(otherSeed).not.toEqual(first);
    });

    it('turns every fault off with setFaults({})', async () => {
      server.setFaults({ errorRate: 1 });
      await expect(get(pngPath(PACIFIC))).resolves.toMatchObject({ status: 500 });
      server.setFaults({});
      const responses = (await stormOcean()).flat();
      expect(responses.every((response) => response.status === 200)).toBe(true);
    });

    it('refuses settings whose rates add up to more than 1, and unknown settings', () => {
      expect(() => server.setFaults({ errorRate: 0.6, rateLimitRate: 0.5 })).toThrow(/at most 1/);
      expect(() => server.setFaults({ errorRate: 1.5 })).toThrow();
      expect(() => server.setFaults({ latency: 50 } as never)).toThrow();
      // The settings in force are unchanged.
      expect(server.faults()).toMatchObject({ errorRate: 0, rateLimitRate: 0 });
    });
  });

  describe('HTML error page', () => {
    it('answers 200 text/html for tiles of every format, as a captive portal or a proxy does', async () => {
      server.setFaults({ htmlErrorRate: 1 });
      for (const path of [pngPath(CHANNEL), mvtPath(CHANNEL), `/tms/basic/6/5/33.png`]) {
        const response = await get(path);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(response.headers.get('etag')).toBeNull();
        expect(response.body.toString('utf8')).toMatch(/^<!DOCTYPE html>/);
        expect(Number(response.headers.get('content-length'))).toBe(response.body.length);
      }
      // Control routes are never faulted.
      await expect(get('/__health')).resolves.toMatchObject({ status: 200 });
    });
  });

  describe('fail-N-times tiles', () => {
    it('fails the listed tiles the given number of times (any format or path), then serves them', async () => {
      server.setFaults({
        retryAfterSeconds: 3,
        failTiles: [
          { tiles: [CHANNEL, SAHARA], times: 3, status: 503 },
          { tiles: [PACIFIC], times: 1, status: 429 },
        ],
      });
      const bystander = OCEAN_TILES[0];
      const statuses = async (paths: string[]) => {
        const answers: number[] = [];
        for (const path of paths) answers.push((await get(path)).status);
        return answers;
      };
      // Three failures shared by the XYZ PNG, the MVT and the TMS path of the same tile.
      await expect(
        statuses([pngPath(CHANNEL), mvtPath(CHANNEL), `/tms/basic/7/64/84.png`, pngPath(CHANNEL)]),
      ).resolves.toEqual([503, 503, 503, 200]);
      await expect(
        statuses([pngPath(SAHARA), pngPath(SAHARA), pngPath(SAHARA), pngPath(SAHARA)]),
      ).resolves.toEqual([503, 503, 503, 200]);
      const limited = await get(pngPath(PACIFIC));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      await expect(get(pngPath(PACIFIC))).resolves.toMatchObject({ status: 200 });
      await expect(statuses([pngPath(bystander), pngPath(bystander)])).resolves.toEqual([200, 200]);

      // setFaults starts the counts again.
      server.setFaults({ failTiles: [{ tiles: [CHANNEL], times: 1 }] });
      await expect(statuses([pngPath(CHANNEL), pngPath(CHANNEL)])).resolves.toEqual([500, 200]);
    });
  });
});

function statusMatrix(rounds: FixtureResponse[][]): number[][] {
  return rounds.map((round) =>
    round.map((response) =>
      // An HTML page is a 200 too: tell it apart from a tile.
      response.status === 200 && response.headers.get('content-type')?.startsWith('text/html')
        ? -200
        : response.status,
    ),
  );
}
