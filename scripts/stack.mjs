#!/usr/bin/env node
// The local stack for development and tests: Redis, PostgreSQL + PostGIS and s3rver, data under .data/.
//   node scripts/stack.mjs up [--with-tools] [--quiet]   start what is not running (idempotent)
//   node scripts/stack.mjs down                          stop all three
//   node scripts/stack.mjs status                        print each service; exit 3 if any is not running
//   node scripts/stack.mjs env                           print the environment lines apps and tests use
//   node scripts/stack.mjs tools                         install gdal-bin, mapproxy, sqlite3, wrk if missing
// Ports: STACK_REDIS_PORT, STACK_POSTGRES_PORT, STACK_S3_PORT (defaults in scripts/stack/stack-defaults.json).
import { applicationEnvironment, resolveStackConfig, StackError } from './stack/stack-config.mjs';
import { acquireStackLock } from './stack/stack-lock.mjs';
import { stackDown, stackStatus, stackUp } from './stack/stack-runner.mjs';
import { ensureTestTools } from './stack/test-tools.mjs';

// milliseconds; a cold start that installs packages with apt can take minutes
const lockTimeoutMilliseconds = 15 * 60 * 1000;
const usage = 'usage: node scripts/stack.mjs up [--with-tools] [--quiet] | down | status | env | tools';

function printEnvironment(config) {
  for (const [name, value] of Object.entries(applicationEnvironment(config))) console.log(`${name}=${value}`);
}

async function main(argv) {
  const [command, ...flags] = argv;
  const unknownFlags = flags.filter((flag) => !['--with-tools', '--quiet'].includes(flag));
  if (unknownFlags.length > 0) throw new StackError(`unknown option ${unknownFlags.join(' ')}\n${usage}`);
  const config = resolveStackConfig();
  const log = (message) => console.log(`stack: ${message}`);
  const withLock = async (task) => {
    const release = await acquireStackLock(config.lockFile, lockTimeoutMilliseconds, log);
    try {
      return await task();
    } finally {
      release();
    }
  };

  switch (command) {
    case 'up':
      await withLock(async () => {
        if (flags.includes('--with-tools')) await ensureTestTools(log);
        await stackUp(config, { quiet: flags.includes('--quiet') });
      });
      if (!flags.includes('--quiet')) {
        console.log('# environment for apps and tests (docs/ports-and-env.md):');
        printEnvironment(config);
      }
      return 0;
    case 'down':
      await withLock(() => stackDown(config));
      return 0;
    case 'status':
      return (await stackStatus(config)) ? 0 : 3;
    case 'env':
      printEnvironment(config);
      return 0;
    case 'tools':
      await withLock(() => ensureTestTools(log));
      return 0;
    default:
      throw new StackError(usage);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof StackError) {
      console.error(`stack: ${error.message}`);
    } else {
      console.error('stack: unexpected failure:', error);
    }
    process.exit(1);
  },
);
