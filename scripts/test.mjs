#!/usr/bin/env node
// `npm test`: brings the local stack up (with the command-line test tools), builds, then runs jest over every
// project (unit, integration, e2e). Extra arguments go to jest: `npm test -- --selectProjects unit`.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jestArguments = process.argv.slice(2);

const stack = spawnSync(
  process.execPath,
  [path.join(repositoryRoot, 'scripts', 'stack.mjs'), 'up', '--with-tools'],
  {
    cwd: repositoryRoot,
    stdio: 'inherit',
  },
);
if (stack.status !== 0) {
  console.error(
    `test: the local stack did not come up (exit ${stack.status ?? stack.signal}); not running jest.`,
  );
  process.exit(stack.status || 1);
}

// Process-level tests (kill -9, SIGTERM, bad configuration) run the apps from the build output.
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repositoryRoot, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`test: npm run build failed (exit ${build.status ?? build.signal}); not running jest.`);
  process.exit(build.status || 1);
}

// Two workers for two cores; an explicit worker setting from the caller wins.
const setsWorkers = jestArguments.some((argument) => /^(--maxWorkers|-w|--runInBand|-i)(=|$)/.test(argument));
const jestBin = createRequire(path.join(repositoryRoot, 'package.json')).resolve('jest/bin/jest');
const child = spawn(
  process.execPath,
  [jestBin, ...(setsWorkers ? [] : ['--maxWorkers=2']), ...jestArguments],
  {
    cwd: repositoryRoot,
    // The stack was just checked; global-setup only re-checks it (about 0.2 s per project).
    env: process.env,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
