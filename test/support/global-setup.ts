// jest globalSetup for the integration and e2e projects: runs once per jest run, in the parent process,
// before any test worker starts (workers inherit the process.env set here).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readStackSettings, StackSettings, stackEnvironment } from './stack-env';

const stackScript = path.resolve(__dirname, '..', '..', 'scripts', 'stack.mjs');

/** Starts whatever part of the local stack is not running; about 0.2 s when it is already up. */
function bringStackUp(): void {
  const result = spawnSync(process.execPath, [stackScript, 'up', '--quiet'], { stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `\`node scripts/stack.mjs up\` exited with ${result.status ?? result.signal}; its message is above. ` +
        'Set STACK_SKIP_UP=1 to test against servers you started yourself.',
    );
  }
}

/**
 * HOOK (database template): the "migrated template database cloned per test file" helper goes here.
 * It should run the migrations once into a template database on `settings.postgres` and publish its
 * name in process.env, so each test file can CREATE DATABASE ... TEMPLATE it.
 */
async function prepareTestDatabases(_settings: StackSettings): Promise<void> {}

export async function globalSetup(): Promise<void> {
  if (process.env.STACK_SKIP_UP !== '1') bringStackUp();
  const settings = readStackSettings();
  for (const [name, value] of Object.entries(stackEnvironment(settings))) {
    process.env[name] ??= value;
  }
  await prepareTestDatabases(settings);
}

// jest loads globalSetup through the module's default export.
export default globalSetup;
