// Redis for BullMQ: noeviction (BullMQ must never lose keys to eviction) and AOF persistence.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redisCommand } from './network-probe.mjs';
import { isOurProcess, readPidFile, removeFile, runChecked, stopProcess } from './process-control.mjs';

function quoted(value) {
  return `"${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function configurationFile(config) {
  const { redis, host } = config;
  return [
    '# Written by scripts/stack.mjs on every start; edit that script, not this file.',
    `bind ${host}`,
    `port ${redis.port}`,
    'protected-mode yes',
    'daemonize yes',
    `pidfile ${quoted(redis.pidFile)}`,
    `logfile ${quoted(redis.logFile)}`,
    `dir ${quoted(redis.dataDirectory)}`,
    // BullMQ keeps job state in keys; evicting any of them corrupts queues.
    'maxmemory-policy noeviction',
    'appendonly yes',
    'appendfsync everysec',
    '',
  ].join('\n');
}

/** The pid Redis reports for itself, so a Redis on our port that is not ours is not mistaken for it. */
async function reportedProcessId(config) {
  try {
    const info = await redisCommand(config.host, config.redis.port, ['INFO', 'server']);
    const match = /process_id:(\d+)/.exec(info);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function createRedisService(config) {
  const { redis } = config;
  const ownPid = () => {
    const pid = readPidFile(redis.pidFile);
    return isOurProcess(pid, 'redis-server') ? pid : undefined;
  };
  return {
    name: 'redis',
    url: redis.url,
    port: redis.port,
    portVariable: redis.portVariable,
    logFile: redis.logFile,
    readyTimeoutMilliseconds: 20_000,

    async inspect() {
      const pid = ownPid();
      if (pid === undefined) return { state: 'stopped' };
      const reported = await reportedProcessId(config);
      if (reported === pid) return { state: 'running', pid };
      return {
        state: 'unresponsive',
        pid,
        detail: reported ? `a different Redis (pid ${reported}) answers on port ${redis.port}` : undefined,
      };
    },

    async isReady() {
      const pid = ownPid();
      return pid !== undefined && (await reportedProcessId(config)) === pid;
    },

    removeStaleFiles() {
      removeFile(redis.pidFile);
    },

    async start() {
      mkdirSync(redis.dataDirectory, { recursive: true });
      const configPath = path.join(redis.dataDirectory, 'redis.conf');
      writeFileSync(configPath, configurationFile(config));
      // daemonize yes: redis-server forks, writes the pidfile and returns at once.
      await runChecked('redis-server', [configPath]);
    },

    async afterReady() {},

    async stop() {
      const pid = ownPid();
      if (pid === undefined) {
        removeFile(redis.pidFile);
        return { wasRunning: false, stopped: true };
      }
      // SIGTERM makes Redis flush the AOF and exit cleanly.
      const stopped = await stopProcess(pid, 30_000, 'SIGTERM');
      if (stopped) removeFile(redis.pidFile);
      return { wasRunning: true, stopped, pid };
    },
  };
}
