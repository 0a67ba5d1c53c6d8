/** Which comparison a scenario makes: our seeder against MapProxy (filesystem) or the raw loop (S3). */
export type Baseline = 'mapproxy' | 'raw-fetch-put';

export interface SeedScenario {
  id: string;
  storage: 'filesystem' | 's3';
  /** milliseconds the fixture waits before every tile response */
  latencyMs: number;
  /** requests in flight: the source's maxConcurrentRequests, mapproxy-seed -c, the raw loop's lanes */
  concurrency: number;
  baseline: Baseline;
}

function scenario(storage: SeedScenario['storage'], latencyMs: number, concurrency: number): SeedScenario {
  return {
    id: `${storage === 'filesystem' ? 'fs' : 's3'}-${latencyMs}ms-c${concurrency}`,
    storage,
    latencyMs,
    concurrency,
    baseline: storage === 'filesystem' ? 'mapproxy' : 'raw-fetch-put',
  };
}

/** The settings issue 3 names: 20 ms at concurrency 32 and 64, and 0 ms (CPU-bound), on both storages. */
export const SEED_SCENARIOS: readonly SeedScenario[] = [
  scenario('filesystem', 20, 32),
  scenario('filesystem', 20, 64),
  scenario('filesystem', 0, 32),
  scenario('s3', 20, 32),
  scenario('s3', 20, 64),
  scenario('s3', 0, 32),
];

/** Targets of issue 3, as fractions. */
export const TARGETS = {
  /** share of the latency bound (concurrency / latency) to reach at 20 ms */
  latencyBoundShare: 0.9,
  /** bytes of RSS our one seeder process may use: 300 MB (286 MiB) */
  seederRssBytes: 300 * 1000 * 1000,
  /** times MapProxy's tiles/s at 0 ms on the filesystem */
  mapproxySpeedUp: 4,
  /** share of the raw fetch+PUT loop's tiles/s on S3 */
  rawLoopShare: 0.9,
};

/** Tiles per second the latency alone allows: `concurrency` requests each taking `latencyMs`. */
export function latencyBound(scenario: SeedScenario): number | undefined {
  return scenario.latencyMs > 0 ? (scenario.concurrency * 1000) / scenario.latencyMs : undefined;
}
