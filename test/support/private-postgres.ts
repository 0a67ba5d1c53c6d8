import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@map-offline/entities';
import { eventually, freePort } from './app-harness';

/**
 * A PostgreSQL + PostGIS server of the test's own (loopback, temporary directory, migrated database), for
 * tests that stop PostgreSQL without disturbing the shared stack on 55432 that other test files use.
 */
export interface PrivatePostgres {
  port: number;
  /** The DATABASE_URL apps use: the migrated database, as the same role the shared stack has. */
  url: string;
  /**
   * Stops the server and waits for it to be gone. `fast` (the default) is an orderly shutdown that
   * disconnects every client, like a restart by an operator; `immediate` is a crash (recovery on start).
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server and removes its directory; safe to call twice. */
  close(): Promise<void>;
}

const SERVICE_USER = 'postgres';
/** the role, password and database the apps connect with (those of the shared stack) */
const APP_ROLE = 'mapoffline';
const APP_DATABASE = 'mapoffline';
/** milliseconds pg_ctl may take to start or stop the server */
const SERVER_TIMEOUT_MS = 60_000;

const isRoot = process.getuid?.() === 0;

/** The newest installed PostgreSQL with PostGIS, in the Debian layout the stack script uses. */
function binaryDirectory(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((entry) => /^\d+$/.test(entry))
        .filter((entry) => existsSync(`/usr/share/postgresql/${entry}/extension/postgis.control`))
        .sort((left, right) => Number(right) - Number(left))
    : [];
  if (majors.length === 0) {
    throw new Error('no PostgreSQL with PostGIS under /usr/lib/postgresql: run `npm run stack:up` first');
  }
  return path.join(root, majors[0], 'bin');
}

/** PostgreSQL refuses to run as root, so as root its commands run as the `postgres` OS user. */
function serverCommand(binary: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', SERVICE_USER, '--', binary, ...args]] : [binary, args];
}

/**
 * Runs a server command without blocking the event loop: apps under test run in this process and must
 * keep serving (and failing) while PostgreSQL stops and starts.
 */
async function runServerCommand(
  binary: string,
  args: string[],
): Promise<{ status: number | null; output: string }> {
  const [file, fileArgs] = serverCommand(binary, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, fileArgs, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

async function runServerCommandChecked(binary: string, args: string[], logFile?: string): Promise<void> {
  const result = await runServerCommand(binary, args);
  if (result.status !== 0) {
    const log = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4_000) : '';
    throw new Error(
      `${path.basename(binary)} ${args.join(' ')} exited with ${result.status}: ${result.output}\n${log}`,
    );
  }
}

function serviceUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const uid = Number(execFileSync('id', ['-u', SERVICE_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SERVICE_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize: 2 }), logging: ['error'] });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Servers still running when the test process exits (a failed or killed test): stopped synchronously. */
const running = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cleanUp of running) cleanUp();
  });
}

/**
 * initdb into a temporary directory, start on a free loopback port, create the apps' role and database,
 * and run our migrations (PostGIS included). About 3 to 6 seconds.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binaryDirectory();
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'map-offline-postgres-'));
  const dataDirectory = path.join(directory, 'data');
  const logFile = path.join(directory, 'server.log');
  const ids = serviceUserIds();
  // The server user owns the whole directory: data, log and the Unix socket live there.
  if (ids) chownSync(directory, ids.uid, ids.gid);

  const isUp = (): boolean => existsSync(path.join(dataDirectory, 'postmaster.pid'));
  const stopArguments = (mode: 'fast' | 'immediate'): string[] => [
    '-D',
    dataDirectory,
    '-m',
    mode,
    '-w',
    '-t',
    String(SERVER_TIMEOUT_MS / 1000),
    'stop',
  ];
  const stopNow = async (mode: 'fast' | 'immediate'): Promise<void> => {
    if (isUp()) await runServerCommand(path.join(bin, 'pg_ctl'), stopArguments(mode));
  };
  // Synchronous, for the process exit hook where nothing asynchronous runs any more.
  const removeAllNow = (): void => {
    if (isUp()) {
      const [file, fileArgs] = serverCommand(path.join(bin, 'pg_ctl'), stopArguments('immediate'));
      spawnSync(file, fileArgs, { cwd: '/', stdio: 'ignore', timeout: SERVER_TIMEOUT_MS });
    }
    rmSync(directory, { recursive: true, force: true });
  };
  const removeAll = async (): Promise<void> => {
    running.delete(removeAllNow);
    await stopNow('immediate');
    rmSync(directory, { recursive: true, force: true });
  };
  running.add(removeAllNow);
  installExitHook();

  const start = async (): Promise<void> => {
    await runServerCommandChecked(
      path.join(bin, 'pg_ctl'),
      [
        '-D',
        dataDirectory,
        '-l',
        logFile,
        '-w',
        '-t',
        String(SERVER_TIMEOUT_MS / 1000),
        '-o',
        // fsync off: a throwaway cluster; the orderly stop still checkpoints, so data survives a restart.
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${directory} -c fsync=off -c max_connections=100`,
        'start',
      ],
      logFile,
    );
    await eventually(async () => {
      const probe = new Client({ host: '127.0.0.1', port, user: SERVICE_USER, database: 'postgres' });
      await probe.connect();
      try {
        await probe.query('SELECT 1');
        return true;
      } finally {
        await probe.end();
      }
    }, 20_000);
  };

  try {
    await runServerCommandChecked(path.join(bin, 'initdb'), [
      '-D',
      dataDirectory,
      '-U',
      SERVICE_USER,
      // Loopback only and thrown away after the test: no passwords needed.
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await start();
    const admin = new Client({ host: '127.0.0.1', port, user: SERVICE_USER, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN SUPERUSER PASSWORD '${APP_ROLE}'`);
      await admin.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}`);
    } finally {
      await admin.end();
    }
    const url = `postgres://${APP_ROLE}:${APP_ROLE}@127.0.0.1:${port}/${APP_DATABASE}`;
    await migrate(url);

    return {
      port,
      url,
      stop: async (mode = 'fast') => {
        await stopNow(mode);
        if (isUp()) throw new Error(`private PostgreSQL on port ${port} did not stop`);
      },
      start,
      close: removeAll,
    };
  } catch (error) {
    await removeAll();
    throw error;
  }
}
