import { AppName } from '@map-offline/config';
import { createTestWorld, eventually, freePort, spawnApp, SpawnedApp, TestWorld } from '@map-offline/testing';

jest.setTimeout(120_000);

const APPS: AppName[] = ['gateway', 'tile-seeder', 'packager', 'sync-merger'];

describe('every app as a real process', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await createTestWorld({ LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    await world.close();
  });

  it.each(APPS)('%s boots, answers /healthz /readyz /metrics, and stops in order on SIGTERM', async (app) => {
    // The gateway's public port answers the probes; /metrics is on its internal health port only.
    const port = await freePort();
    const metricsPort = app === 'gateway' ? await freePort() : port;
    const env = { ...world.env, GATEWAY_PORT: String(port), HEALTH_PORT: String(metricsPort) };
    const running = spawnApp(app, env);
    try {
      await eventually(
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined),
        30_000,
      );
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain(`process_resident_memory_bytes{app="${app}"}`);
      if (app === 'gateway') {
        expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
      }

      running.kill('SIGTERM');
      await expect(running.exited).resolves.toBe(0);
      const lines = logMessages(running);
      const order = [
        'stopping',
        'queues closed',
        app === 'gateway' ? 'http server and database closed' : 'database closed',
        'stopped cleanly',
      ];
      const positions = order.map((message) => lines.indexOf(message));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      if (app !== 'gateway') {
        // The BullMQ worker stops before its queue and the database.
        expect(lines.indexOf('worker stopped')).toBeLessThan(lines.indexOf('queues closed'));
      }
    } finally {
      running.kill('SIGKILL');
    }
  });

  it.each(APPS)('%s refuses to start with bad variables and lists every one', async (app) => {
    const running = spawnApp(app, {
      ...world.env,
      GATEWAY_PORT: 'not-a-port',
      HEALTH_PORT: '70000',
      REDIS_URL: 'http://wrong-scheme',
      QUEUE_PREFIX: 'no-braces',
      STORAGE_DRIVER: 'ftp',
    });
    await expect(running.exited).resolves.toBe(1);
    const output = running.output();
    expect(output).toContain('Invalid configuration (5 problems)');
    for (const variable of ['GATEWAY_PORT', 'HEALTH_PORT', 'REDIS_URL', 'QUEUE_PREFIX', 'STORAGE_DRIVER']) {
      expect(output).toContain(`${variable}:`);
    }
  });

  it('the gateway refuses development signing keys in production', async () => {
    const running = spawnApp('gateway', {
      ...world.env,
      NODE_ENV: 'production',
      STORAGE_URL_SIGNING_SECRET: 'x'.repeat(40),
    });
    await expect(running.exited).resolves.toBe(1);
    expect(running.output()).toContain('AUTH_JWKS_URL: production needs AUTH_JWKS_URL or AUTH_PUBLIC_KEYS');
  });
});

function logMessages(app: SpawnedApp): string[] {
  return app
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
}
