#!/usr/bin/env node
// `npm run demo [-- --exit]`: brings the local stack up, builds, applies migrations, then runs the demo
// (dist/scripts/demo/run-demo.js): every app as its own process, driven through the public API.
// Without --exit it keeps serving until Ctrl-C; with --exit it stops and exits non-zero if a step failed.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applicationEnvironment, resolveStackConfig } from './stack/stack-config.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The migrations and the apps talk to the stack started below, on its STACK_*_PORT ports when those are
// set; an explicit REDIS_URL / DATABASE_URL / S3_* variable still wins, as in the tests.
const env = { ...applicationEnvironment(resolveStackConfig()), ...process.env };

function step(description, command, args) {
  console.log(`\n==> ${description}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`demo: "${description}" failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

step('starting Redis, PostgreSQL+PostGIS and the S3-compatible server', process.execPath, [
  path.join(root, 'scripts', 'stack.mjs'),
  'up',
]);
step('building', 'npm', ['run', '--silent', 'build']);
step('applying database migrations', process.execPath, [path.join(root, 'dist', 'scripts', 'migrate.js')]);

const demo = spawn(
  process.execPath,
  [path.join(root, 'dist', 'scripts', 'demo', 'run-demo.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    env,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => demo.kill(signal));
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
