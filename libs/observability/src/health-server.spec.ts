import { createMetricsRegistry } from './metrics-registry';
import { Readiness } from './readiness';
import { startHealthServer } from './health-server';

describe('health server', () => {
  it('answers liveness, readiness that follows its checks and draining, and metrics', async () => {
    let databaseUp = true;
    const readiness = new Readiness([
      {
        name: 'database',
        check: async () => {
          if (!databaseUp) throw new Error('connection refused');
        },
      },
    ]);
    const server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      readiness,
      registry: createMetricsRegistry('test-app'),
    });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      databaseUp = false;
      const down = await fetch(`${base}/readyz`);
      expect(down.status).toBe(503);
      await expect(down.json()).resolves.toMatchObject({
        ready: false,
        checks: { database: 'connection refused' },
      });

      databaseUp = true;
      readiness.startDraining();
      await expect((await fetch(`${base}/readyz`)).json()).resolves.toMatchObject({
        ready: false,
        draining: true,
      });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total{app="test-app"}');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('reports a check that hangs as not ready instead of hanging the probe', async () => {
    const readiness = new Readiness([{ name: 'redis', check: () => new Promise<void>(() => undefined) }], 50);
    await expect(readiness.report()).resolves.toMatchObject({
      ready: false,
      checks: { redis: 'no answer within 50 ms' },
    });
  });
});
