import { startFixtureTileServer } from '@map-offline/fixture-tiles';
import {
  createTestWorld,
  eventually,
  freePort,
  GraphqlClient,
  spawnApp,
  tokenFor,
} from '@map-offline/testing';

jest.setTimeout(120_000);

const API_KEY_HEADER = 'header-secret-4f1c9d';
const API_KEY_QUERY = 'query-secret-77ab20';

/**
 * A job whose upstream fails for some tiles runs through real gateway and seeder processes with debug logs;
 * neither the secret header, nor the key in the template's query string, nor the bearer token appears in
 * any line they wrote.
 */
it('keeps API keys and tokens out of every log line, also when upstream requests fail', async () => {
  const fixture = await startFixtureTileServer({
    resolution: '110m',
    faults: { failTiles: [{ tiles: [{ z: 2, x: 2, y: 1 }], times: 100, status: 500 }] },
  });
  const world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'debug' });
  const gatewayPort = await freePort();
  const gateway = spawnApp('gateway', { ...world.env, GATEWAY_PORT: String(gatewayPort) });
  const seeder = spawnApp('tile-seeder', { ...world.env, HEALTH_PORT: String(await freePort()) });
  try {
    const baseUrl = `http://127.0.0.1:${gatewayPort}`;
    await eventually(
      async () => ((await fetch(`${baseUrl}/readyz`)).status === 200 ? true : undefined),
      30_000,
    );
    const token = await tokenFor('secret-org', ['admin']);
    const api = new GraphqlClient(baseUrl, token);
    const { registerTileSource } = await api.data<{ registerTileSource: { id: string } }>(
      `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
      {
        input: {
          name: 'keyed',
          urlTemplate: `${fixture.url}/basic/{z}/{x}/{y}.png?apikey=${API_KEY_QUERY}`,
          format: 'PNG',
          maxRequestsPerSecond: 0,
          headers: [{ name: 'X-Api-Key', value: API_KEY_HEADER }],
        },
      },
    );
    const { createCacheRegion } = await api.data<{ createCacheRegion: { id: string } }>(
      `mutation ($input: CreateCacheRegionInput!) { createCacheRegion(input: $input) { id } }`,
      {
        input: {
          name: 'keyed',
          sourceId: registerTileSource.id,
          area: { bbox: [-10, 30, 40, 60], minZoom: 0, maxZoom: 3 },
        },
      },
    );
    const finished = await eventually(
      async () => {
        const { job } = await api.data<{ job: { state: string } }>(
          `query ($id: ID!) { job(id: $id) { state } }`,
          { id: createCacheRegion.id },
        );
        return ['COMPLETED', 'FAILED'].includes(job.state) ? job.state : undefined;
      },
      90_000,
      250,
    );
    expect(finished).toBe('COMPLETED');
    const { cacheStats } = await api.data<{
      cacheStats: { failedTiles: number; failureReasons: { reason: string }[] };
    }>('{ cacheStats { failedTiles failureReasons { reason } } }');
    // The failure really happened and was logged and recorded, so the check below has something to look at.
    expect(cacheStats.failedTiles).toBe(1);
    const recorded = JSON.stringify(cacheStats.failureReasons);
    expect(recorded).not.toContain(API_KEY_QUERY);

    gateway.kill('SIGTERM');
    seeder.kill('SIGTERM');
    await Promise.all([gateway.exited, seeder.exited]);
    const logs = gateway.output() + seeder.output();
    expect(logs).toContain('job failed on attempt');
    for (const secret of [API_KEY_HEADER, API_KEY_QUERY, token]) expect(logs).not.toContain(secret);
  } finally {
    gateway.kill('SIGKILL');
    seeder.kill('SIGKILL');
    await fixture.close();
    await world.close();
  }
});
