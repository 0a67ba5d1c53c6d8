import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readStackSettings, stackEnvironment } from '../test/support/stack-env';
import { BenchDefinition } from './support/bench-definition';
import { stopAllChildren } from './support/child-process';
import { BenchDatabases } from './seed/bench-database';
import { ContenderResult } from './seed/contender-result';
import { FixtureServerProcess } from './seed/fixture-server.process';
import { runMapOfflineSeeder } from './seed/map-offline-seeder.run';
import { assertMapproxyInstalled, runMapproxySeed } from './seed/mapproxy-seed.run';
import { runBareFetchLoop } from './seed/bare-fetch-loop.run';
import { runRawFetchPut } from './seed/raw-fetch-put.run';
import { createStackS3Client } from './seed/scratch-bucket';
import { areaTileCount, FULL_AREA, QUICK_AREA, SeedArea } from './seed/seed-area';
import { parseSeedBenchArguments } from './seed/seed-bench-arguments';
import {
  baselineName,
  CEILING_NAME,
  describeRun,
  printScenario,
  printTargets,
  ScenarioOutcome,
} from './seed/seed-report';
import type { SeedRunContext } from './seed/seed-run-context';
import type { SeedScenario } from './seed/seed-scenarios';

/** dist/bench -> the repository root, where scripts/stack.mjs lives */
const REPOSITORY_ROOT = join(__dirname, '..', '..');

function bringStackUp(): void {
  const result = spawnSync(
    process.execPath,
    [join(REPOSITORY_ROOT, 'scripts', 'stack.mjs'), 'up', '--quiet'],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error('`node scripts/stack.mjs up` failed; its message is above');
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function runScenario(
  context: SeedRunContext,
  area: SeedArea,
  scenario: SeedScenario,
  runs: number,
  contenders: { ours: boolean; baseline: boolean },
): Promise<ScenarioOutcome> {
  await context.fixture.setLatency(scenario.latencyMs);
  const outcome: ScenarioOutcome = { scenario, ours: [], baseline: [], ceiling: [] };
  const ours = async (): Promise<void> => {
    const result = await runMapOfflineSeeder(context, area, scenario.storage, scenario.concurrency);
    console.log(describeRun('ours', result));
    outcome.ours.push(result);
  };
  const baseline = async (): Promise<void> => {
    const result: ContenderResult =
      scenario.baseline === 'mapproxy'
        ? await runMapproxySeed(context, area, scenario.concurrency)
        : await runRawFetchPut(context, area, scenario.concurrency);
    console.log(describeRun(baselineName(scenario), result));
    outcome.baseline.push(result);
  };
  console.log(`\n${scenario.id} ...`);
  for (let run = 0; run < runs; run += 1) {
    // Alternating who goes first spreads any drift of the machine over both contenders.
    const order = run % 2 === 0 ? [ours, baseline] : [baseline, ours];
    for (const contender of order) {
      if ((contender === ours && contenders.ours) || (contender === baseline && contenders.baseline)) {
        await contender();
      }
    }
    // At a latency the bound is concurrency / latency; the bare loop shows how close this machine gets.
    if (scenario.latencyMs > 0) {
      const result = await runBareFetchLoop(context, area, scenario.concurrency);
      console.log(describeRun(CEILING_NAME, result));
      outcome.ceiling.push(result);
    }
  }
  return outcome;
}

export const bench: BenchDefinition = {
  description:
    'seed ~20,000 tiles from the fixture server: our seeder (one process, filesystem and S3) vs mapproxy-seed and a raw fetch+PUT loop',
  defaultRuns: 3,
  async run({ runs, args }) {
    const parsed = parseSeedBenchArguments(args);
    const area = parsed.quick ? QUICK_AREA : FULL_AREA;
    const effectiveRuns = parsed.quick ? 1 : runs;
    const expectedTiles = areaTileCount(area);
    const needsMapproxy =
      parsed.contenders.baseline && parsed.scenarios.some((scenario) => scenario.baseline === 'mapproxy');
    const mapproxyVersion = needsMapproxy ? assertMapproxyInstalled() : undefined;
    console.log(
      `area: ${area.name}, bbox ${area.bbox.join(', ')}: ${expectedTiles.toLocaleString('en-US')} tiles; ` +
        `${effectiveRuns} run(s) per contender and scenario` +
        (mapproxyVersion === undefined ? '' : `; MapProxy ${mapproxyVersion}`) +
        (Object.keys(parsed.seederEnv).length === 0
          ? ''
          : `; seeder env ${JSON.stringify(parsed.seederEnv)}`),
    );

    // Children left behind by an interrupted bench would keep seeding and hold their databases open.
    // Stopping them fails the run in progress, and the usual clean-up (databases, buckets) follows.
    const onSignal = (signal: NodeJS.Signals): void => {
      console.error(`\n${signal}: stopping the bench's processes (again to exit at once)`);
      process.exitCode = 130;
      process.once(signal, () => process.exit(130));
      void stopAllChildren();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    bringStackUp();
    const stack = readStackSettings();
    const databases = await BenchDatabases.create(stack.postgres.url);
    const s3 = createStackS3Client(stack.s3);
    let fixture: FixtureServerProcess | undefined;
    const outcomes: ScenarioOutcome[] = [];
    try {
      const prerenderStarted = Date.now();
      fixture = await FixtureServerProcess.start(area);
      console.log(
        `fixture server ${fixture.url} ready (prerender and start ${Date.now() - prerenderStarted} ms)`,
      );
      const context: SeedRunContext = {
        fixture,
        databases,
        stack,
        s3,
        baseEnv: { ...stringEnv(process.env), ...stackEnvironment(stack) },
        seederEnv: parsed.seederEnv,
        logDirectory: parsed.logDirectory,
        profileDirectory: parsed.profileDirectory,
        inFlightDirectory: parsed.inFlightDirectory,
      };
      for (const scenario of parsed.scenarios) {
        const outcome = await runScenario(context, area, scenario, effectiveRuns, parsed.contenders);
        outcomes.push(outcome);
        printScenario(outcome, expectedTiles);
      }
    } finally {
      await stopAllChildren();
      await fixture?.stop();
      await databases.close();
      s3.destroy();
    }
    printTargets(outcomes);
    console.log(
      "\ntiles/s = fixture tile requests / wall time: ours from the createCacheRegion mutation to the job's finishedAt,\n" +
        'mapproxy-seed from launch to exit, the raw loop from its first request to its last PUT. job tiles/s uses the\n' +
        "job's startedAt..finishedAt. Peak RSS sums every process of the contender (sampled every 100 ms).",
    );
  },
};
