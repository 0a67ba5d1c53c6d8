import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, spawnApp, SpawnedApp } from '@map-offline/testing';

const DIST = path.resolve(__dirname, '..', '..', '..', '..', 'dist');

/** A tile seeder running as its own process from dist, with its metrics port. */
export interface SpawnedSeeder {
  app: SpawnedApp;
  metricsPort: number;
  /** a Prometheus counter, summed over its series with these labels, e.g. ('mapoffline_seeder_tiles_total', 'outcome="fetched"') */
  counter(name: string, labels?: string): Promise<number>;
  /** SIGTERM and wait for the exit */
  stop(): Promise<void>;
}

/**
 * Fails early with the fix when dist is missing or older than the worker settings these tests rely on
 * (`npm test` builds; a single jest file does not).
 */
export function assertBuildIsCurrent(): void {
  const main = path.join(DIST, 'apps', 'tile-seeder', 'src', 'main.js');
  const schema = path.join(DIST, 'libs', 'config', 'src', 'env-schema.js');
  if (!existsSync(main) || !readFileSync(schema, 'utf8').includes('WORKER_LOCK_DURATION_MS')) {
    throw new Error('dist is missing or stale: run `npm run build` before the crash tests');
  }
}

export async function spawnSeeder(env: Record<string, string>): Promise<SpawnedSeeder> {
  // info, so the "worker ready" line tells the health port (HEALTH_PORT=0 picks a free one)
  const app = spawnApp('tile-seeder', { ...env, LOG_LEVEL: 'info' });
  const metricsPort = await eventually(async () => {
    const match = /"healthPort":(\d+)/.exec(app.output());
    if (match) return Number(match[1]);
    if (app.child.exitCode !== null) throw new Error(`seeder exited early:\n${app.output().slice(-2000)}`);
    return undefined;
  }, 30_000);
  return {
    app,
    metricsPort,
    counter: async (name, labels) => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      // Sums every series of the metric whose labels include the given ones (default labels vary).
      let total = 0;
      for (const line of text.split('\n')) {
        const match = /^([a-z_:]+)(\{[^}]*\})? ([0-9.e+-]+)$/i.exec(line);
        if (!match || match[1] !== name) continue;
        if (labels && !(match[2] ?? '').includes(labels)) continue;
        total += Number(match[3]);
      }
      return total;
    },
    stop: async () => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) return;
      app.kill('SIGTERM');
      await app.exited;
    },
  };
}
