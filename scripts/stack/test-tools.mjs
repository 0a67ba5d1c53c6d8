// Command-line tools later tests and benchmarks call: GDAL and MapProxy read our MBTiles/tiles
// independently, sqlite3 inspects MBTiles, wrk drives HTTP benchmarks.
import { StackError } from './stack-config.mjs';
import { aptInstall, canUseApt } from './prerequisites.mjs';
import { findExecutable } from './process-control.mjs';

const tools = [
  { command: 'gdalinfo', aptPackage: 'gdal-bin' },
  { command: 'mapproxy-util', aptPackage: 'mapproxy' },
  { command: 'sqlite3', aptPackage: 'sqlite3' },
  { command: 'wrk', aptPackage: 'wrk' },
];

export function missingTools() {
  return tools.filter((tool) => !findExecutable(tool.command));
}

/** Installs missing tools with apt when root; otherwise says what to install and carries on. */
export async function ensureTestTools(log) {
  const missing = missingTools();
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.aptPackage);
  if (!canUseApt()) {
    log(
      `test tools not installed (${missing.map((tool) => tool.command).join(', ')}); tests that need them will fail.`,
    );
    log(`  install with: sudo apt-get install -y ${packages.join(' ')}`);
    return;
  }
  log(`installing test tools: ${packages.join(' ')}`);
  await aptInstall(packages, log);
  const stillMissing = missingTools();
  if (stillMissing.length > 0) {
    throw new StackError(
      `still missing after apt-get install: ${stillMissing.map((tool) => tool.command).join(', ')}`,
    );
  }
}
