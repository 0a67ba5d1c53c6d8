// PostgreSQL with PostGIS. The server refuses to run as root, so as root every server-side command
// runs as the `postgres` OS user (runuser) and the data directory belongs to that user.
import {
  appendFileSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { StackError } from './stack-config.mjs';
import { findPostgresInstallation } from './prerequisites.mjs';
import {
  isOurProcess,
  isRoot,
  runChecked,
  runCommand,
  stopProcess,
  waitForExit,
} from './process-control.mjs';

const serviceUser = 'postgres';
const includeLine = "include_if_exists = 'stack.conf'";
// Unix socket paths are limited to about 107 bytes; the socket file name adds ".s.PGSQL.<port>".
const maximumSocketDirectoryLength = 90;

function serviceUserIds() {
  if (!isRoot) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', serviceUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', serviceUser], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new StackError(
      `running as root needs the "${serviceUser}" OS user (the postgresql package creates it).`,
    );
  }
}

function ownedDirectory(directory, ids, mode) {
  mkdirSync(directory, { recursive: true, mode });
  if (ids) chownSync(directory, ids.uid, ids.gid);
}

function socketDirectory(config) {
  const preferred = config.postgres.socketDirectory;
  if (preferred.length <= maximumSocketDirectoryLength) return preferred;
  return path.join('/tmp', `map-offline-postgres-${config.postgres.port}`);
}

/** postmaster.pid: line 1 pid, line 4 port. */
function readPostmasterPid(file) {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function serverSettings(config) {
  return [
    '# Written by scripts/stack.mjs on every start; edit that script, not this file.',
    `listen_addresses = '${config.host}'`,
    `port = ${config.postgres.port}`,
    `unix_socket_directories = '${socketDirectory(config)}'`,
    // Test files each clone a template database and hold a small pool; 100 runs out with e2e apps.
    'max_connections = 200',
    '',
  ].join('\n');
}

const bootstrapSql = (postgres) => `
SELECT format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', '${postgres.user}', '${postgres.password}')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${postgres.user}') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I', '${postgres.database}', '${postgres.user}')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${postgres.database}') \\gexec
\\connect ${postgres.database}
CREATE EXTENSION IF NOT EXISTS postgis;
`;

export function createPostgresService(config) {
  const { postgres } = config;
  const installation = () => {
    const found = findPostgresInstallation(postgres.dataDirectory).installation;
    if (!found)
      throw new StackError(
        'no PostgreSQL installation found (run `npm run stack:up` as root to install it).',
      );
    return found;
  };
  const binary = (name) => path.join(installation().binDirectory, name);
  const ownPostmaster = () => {
    const postmaster = readPostmasterPid(postgres.pidFile);
    return postmaster && isOurProcess(postmaster.pid, 'postgres') ? postmaster : undefined;
  };
  const isAccepting = async () =>
    (
      await runCommand(binary('pg_isready'), [
        '-q',
        '-h',
        config.host,
        '-p',
        String(postgres.port),
        '-t',
        '2',
      ])
    ).code === 0;
  const psqlAsSuperuser = (database, input) =>
    runChecked(
      binary('psql'),
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        socketDirectory(config),
        '-p',
        String(postgres.port),
        '-U',
        'postgres',
        '-d',
        database,
      ],
      { asUser: serviceUser, input },
    );

  return {
    name: 'postgres',
    url: postgres.url,
    port: postgres.port,
    portVariable: postgres.portVariable,
    logFile: postgres.logFile,
    readyTimeoutMilliseconds: 60_000,

    async inspect() {
      const postmaster = ownPostmaster();
      if (!postmaster) return { state: 'stopped' };
      if (postmaster.port !== postgres.port) {
        return {
          state: 'unresponsive',
          pid: postmaster.pid,
          detail: `it listens on port ${postmaster.port}`,
          portMismatch: true,
        };
      }
      return (await isAccepting())
        ? { state: 'running', pid: postmaster.pid }
        : { state: 'unresponsive', pid: postmaster.pid };
    },

    async isReady() {
      const postmaster = ownPostmaster();
      return postmaster !== undefined && postmaster.port === postgres.port && (await isAccepting());
    },

    removeStaleFiles() {
      // PostgreSQL itself replaces a postmaster.pid whose pid is gone.
    },

    async start(log) {
      const ids = serviceUserIds();
      mkdirSync(config.logDirectory, { recursive: true });
      ownedDirectory(postgres.dataDirectory, ids, 0o700);
      ownedDirectory(socketDirectory(config), ids, 0o755);
      closeSync(openSync(postgres.logFile, 'a'));
      if (ids) chownSync(postgres.logFile, ids.uid, ids.gid);

      if (!existsSync(path.join(postgres.dataDirectory, 'PG_VERSION'))) {
        if (readdirSync(postgres.dataDirectory).length > 0) {
          throw new StackError(
            `${postgres.dataDirectory} is not empty but holds no database cluster (an interrupted initdb?). ` +
              'Remove it and run `npm run stack:up` again.',
          );
        }
        log(`postgres: initdb ${postgres.dataDirectory} (PostgreSQL ${installation().major})`);
        await runChecked(
          binary('initdb'),
          [
            '-D',
            postgres.dataDirectory,
            '-U',
            'postgres',
            '--auth-local=trust',
            '--auth-host=scram-sha-256',
            '--encoding=UTF8',
            '--locale=C.UTF-8',
          ],
          { asUser: serviceUser },
        );
      }
      const mainConfig = path.join(postgres.dataDirectory, 'postgresql.conf');
      if (!readFileSync(mainConfig, 'utf8').includes(includeLine))
        appendFileSync(mainConfig, `\n${includeLine}\n`);
      const stackConfig = path.join(postgres.dataDirectory, 'stack.conf');
      writeFileSync(stackConfig, serverSettings(config));
      if (ids) chownSync(stackConfig, ids.uid, ids.gid);

      // -W: do not wait here; the caller waits with its own time-out and a pointer to the log.
      await runChecked(
        binary('pg_ctl'),
        ['-D', postgres.dataDirectory, '-l', postgres.logFile, '-W', 'start'],
        {
          asUser: serviceUser,
        },
      );
    },

    async afterReady() {
      await psqlAsSuperuser('postgres', bootstrapSql(postgres));
    },

    async stop() {
      const postmaster = ownPostmaster();
      if (!postmaster) return { wasRunning: false, stopped: true };
      // fast: roll back open transactions and disconnect clients rather than wait for them.
      const result = await runCommand(
        binary('pg_ctl'),
        ['-D', postgres.dataDirectory, '-m', 'fast', '-w', '-t', '60', 'stop'],
        {
          asUser: serviceUser,
        },
      );
      let stopped = await waitForExit(postmaster.pid, 5_000);
      // SIGINT is PostgreSQL's fast shutdown, should pg_ctl itself have failed.
      if (!stopped && result.code !== 0) stopped = await stopProcess(postmaster.pid, 30_000, 'SIGINT');
      return { wasRunning: true, stopped, pid: postmaster.pid };
    },
  };
}
