import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { eventually, freePort } from './app-harness';

/**
 * A Redis of the test's own (loopback, temporary directory, AOF on like production), for tests that stop
 * or reconfigure Redis without disturbing the shared stack.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM: AOF flushed) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(extraArguments: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'map-offline-redis-'));
  let server: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        directory,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        ...extraArguments,
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => {
      const probe = new IORedis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    }, 10_000);
  };
  const stop = async (): Promise<void> => {
    const running = server;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
