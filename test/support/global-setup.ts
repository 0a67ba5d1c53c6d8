// jest globalSetup for the integration and e2e projects: runs once per jest run, in the parent process,
// before any test worker starts (workers inherit the process.env set here).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { register } from 'tsconfig-paths';
import { compilerOptions } from '../../tsconfig.json';

// jest applies moduleNameMapper inside test files only; globalSetup resolves the @map-offline/* aliases itself.
register({ baseUrl: path.resolve(__dirname, '..', '..'), paths: compilerOptions.paths });

import { readStackSettings, StackSettings, stackEnvironment } from './stack-env';
import { prepareTemplateDatabase } from './test-database';

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

/** Builds the migrated template database each test file clones (test/support/test-database.ts). */
async function prepareTestDatabases(settings: StackSettings): Promise<void> {
  await prepareTemplateDatabase(settings.postgres.url);
}

export async function globalSetup(): Promise<void> {
  if (process.env.STACK_SKIP_UP !== '1') bringStackUp();
  const settings = readStackSettings();
  for (const [name, value] of Object.entries(stackEnvironment(settings))) {
    process.env[name] ??= value;
  }
  try {
    await prepareTestDatabases(settings);
  } catch (error) {
    if (process.env.STACK_SKIP_UP !== '1') throw error;
    // Suites that need no database (auth, formats) may run with STACK_SKIP_UP=1 and no PostgreSQL;
    // any suite that does need one fails loudly when it cannot clone the template.
    console.warn(`test database template not prepared: ${(error as Error).message}`);
  }
}

// jest loads globalSetup through the module's default export.
export default globalSetup;
