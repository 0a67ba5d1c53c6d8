import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchDefinition } from './support/bench-definition';

/**
 * Single entry for benchmarks: `npm run bench -- <name> [--runs N] [bench arguments]`.
 * The registry is the file names: `bench/<name>.bench.ts` exporting `bench: BenchDefinition` is the bench
 * `<name>`, so a new bench (seed, package, sync) plugs in by adding its file, without editing this one.
 */
const BENCH_SUFFIX = '.bench.js';

function registry(): Map<string, string> {
  const benches = new Map<string, string>();
  for (const file of readdirSync(__dirname)) {
    if (file.endsWith(BENCH_SUFFIX)) benches.set(file.slice(0, -BENCH_SUFFIX.length), join(__dirname, file));
  }
  return benches;
}

function parseRuns(args: string[]): { runs: number | undefined; rest: string[] } {
  const rest: string[] = [];
  let runs: number | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const inline = /^--runs=(.+)$/.exec(arg);
    if (arg === '--runs' || inline !== null) {
      const value = inline !== null ? inline[1] : args[(index += 1)];
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1)
        throw new Error(`--runs must be an integer >= 1, got ${value}`);
    } else {
      rest.push(arg);
    }
  }
  return { runs, rest };
}

function isBenchModule(value: unknown): value is { bench: BenchDefinition } {
  const bench = (value as { bench?: Partial<BenchDefinition> } | null)?.bench;
  return typeof bench?.run === 'function' && typeof bench.description === 'string';
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const benches = registry();
  if (name === undefined || name === 'list' || !benches.has(name)) {
    if (name !== undefined && name !== 'list') console.error(`Unknown bench "${name}".`);
    console.log('Usage: npm run bench -- <name> [--runs N]\nBenches:');
    const width = Math.max(0, ...[...benches.keys()].map((benchName) => benchName.length));
    for (const [benchName, path] of benches) {
      const loaded: unknown = await import(path);
      const description = isBenchModule(loaded) ? loaded.bench.description : '(no bench export)';
      console.log(`  ${benchName.padEnd(width)}  ${description}`);
    }
    process.exitCode = name === undefined || name === 'list' ? 0 : 1;
    return;
  }
  const loaded: unknown = await import(benches.get(name) as string);
  if (!isBenchModule(loaded)) throw new Error(`${name}${BENCH_SUFFIX} must export "bench: BenchDefinition"`);
  const { runs, rest } = parseRuns(args);
  const effectiveRuns = runs ?? loaded.bench.defaultRuns;
  console.log(`bench ${name}: ${loaded.bench.description}`);
  console.log(`node ${process.version}, ${effectiveRuns} runs per figure (median)\n`);
  await loaded.bench.run({ runs: effectiveRuns, args: rest });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
