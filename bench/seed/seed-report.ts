import { loadavg } from 'node:os';
import { median } from '../support/measure';
import { formatBytes, formatCount, printTable } from '../support/table';
import { ContenderResult, tilesPerSecond } from './contender-result';
import { latencyBound, SeedScenario, TARGETS } from './seed-scenarios';

export interface ScenarioOutcome {
  scenario: SeedScenario;
  ours: ContenderResult[];
  baseline: ContenderResult[];
  /** the bare GET loop at the same concurrency (scenarios with latency only) */
  ceiling: ContenderResult[];
}

export const CEILING_NAME = 'bare GET loop';

/** The figures of one contender over its runs: medians, and the highest RSS of any run. */
export interface ContenderSummary {
  runs: number;
  tilesPerSecond: number[];
  medianTilesPerSecond: number;
  medianJobTilesPerSecond?: number;
  peakRssBytes: number;
  processes: number;
  /** CPU milliseconds per 1,000 tiles, median */
  cpuMsPerThousandTiles: number;
  /** share of one core the fixture server used, median */
  fixtureCpuShare: number;
  upstreamRequests: number[];
  storedObjects: number;
  /** share of the machine's CPU busy during the runs (anyone's), median */
  machineBusyShare: number;
}

export function summarise(results: readonly ContenderResult[]): ContenderSummary | undefined {
  if (results.length === 0) return undefined;
  const rates = results.map((result) => tilesPerSecond(result.upstreamRequests, result.wallMs));
  const jobRates = results
    .filter((result) => result.jobMs !== undefined)
    .map((result) => tilesPerSecond(result.upstreamRequests, result.jobMs as number));
  return {
    runs: results.length,
    tilesPerSecond: rates,
    medianTilesPerSecond: median(rates),
    medianJobTilesPerSecond: jobRates.length > 0 ? median(jobRates) : undefined,
    peakRssBytes: Math.max(...results.map((result) => result.peakRssBytes)),
    processes: Math.max(...results.map((result) => result.processes)),
    cpuMsPerThousandTiles: median(results.map((result) => (result.cpuMs * 1000) / result.upstreamRequests)),
    fixtureCpuShare: median(results.map((result) => result.fixtureCpuMs / result.wallMs)),
    upstreamRequests: results.map((result) => result.upstreamRequests),
    storedObjects: results[results.length - 1].storedObjects,
    machineBusyShare: median(results.map((result) => result.machineBusyShare)),
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(0)}%`;
const rate = (value: number): string => formatCount(value);

export function baselineName(scenario: SeedScenario): string {
  return scenario.baseline === 'mapproxy' ? 'mapproxy-seed' : 'raw fetch+PUT';
}

/** One line per finished run, as the bench goes. */
export function describeRun(label: string, result: ContenderResult): string {
  const job =
    result.jobMs === undefined
      ? ''
      : `, job ${rate(tilesPerSecond(result.upstreamRequests, result.jobMs))}/s`;
  return (
    `  ${label}: ${formatCount(result.upstreamRequests)} tiles in ${(result.wallMs / 1000).toFixed(1)} s = ` +
    `${rate(tilesPerSecond(result.upstreamRequests, result.wallMs))}/s${job}, peak RSS ${formatBytes(result.peakRssBytes)} ` +
    `(${result.processes} process${result.processes === 1 ? '' : 'es'}), fixture CPU ${percent(result.fixtureCpuMs / result.wallMs)}, ` +
    `machine CPU ${percent(result.machineBusyShare)} busy, load average ${loadavg()[0].toFixed(1)}`
  );
}

/** The per-scenario table: both contenders side by side. */
export function printScenario(outcome: ScenarioOutcome, expectedTiles: number): void {
  const { scenario } = outcome;
  const ours = summarise(outcome.ours);
  const baseline = summarise(outcome.baseline);
  const bound = latencyBound(scenario);
  const rows: string[][] = [];
  const row = (name: string, summary: ContenderSummary | undefined, vsBaseline: string): void => {
    if (summary === undefined) return;
    const requestsMatch = summary.upstreamRequests.every((requests) => requests === expectedTiles);
    rows.push([
      name,
      summary.tilesPerSecond.map(rate).join(', '),
      rate(summary.medianTilesPerSecond),
      summary.medianJobTilesPerSecond === undefined ? '-' : rate(summary.medianJobTilesPerSecond),
      vsBaseline,
      bound === undefined ? '-' : percent(summary.medianTilesPerSecond / bound),
      formatBytes(summary.peakRssBytes),
      String(summary.processes),
      formatCount(summary.cpuMsPerThousandTiles),
      percent(summary.fixtureCpuShare),
      percent(summary.machineBusyShare),
      requestsMatch ? formatCount(expectedTiles) : `MISMATCH ${summary.upstreamRequests.join('/')}`,
      formatCount(summary.storedObjects),
    ]);
  };
  const ratio =
    ours !== undefined && baseline !== undefined
      ? `${(ours.medianTilesPerSecond / baseline.medianTilesPerSecond).toFixed(2)}x`
      : '-';
  row('ours', ours, ratio);
  row(baselineName(scenario), baseline, '1x');
  const ceiling = summarise(outcome.ceiling);
  if (ceiling !== undefined) {
    row(
      CEILING_NAME,
      ceiling,
      baseline === undefined
        ? '-'
        : `${(ceiling.medianTilesPerSecond / baseline.medianTilesPerSecond).toFixed(2)}x`,
    );
  }
  console.log(
    `\n${scenario.id}: ${scenario.storage}, fixture latency ${scenario.latencyMs} ms, concurrency ${scenario.concurrency}` +
      (bound === undefined ? '' : ` (latency bound ${rate(bound)} tiles/s)`),
  );
  printTable(
    [
      { header: 'contender', align: 'left' },
      { header: 'tiles/s each run', align: 'left' },
      { header: 'median tiles/s' },
      { header: 'job tiles/s' },
      { header: 'vs baseline' },
      { header: 'of bound' },
      { header: 'peak RSS' },
      { header: 'procs' },
      { header: 'CPU ms/1k tiles' },
      { header: 'fixture CPU' },
      { header: 'machine busy' },
      { header: 'upstream requests' },
      { header: 'stored objects' },
    ],
    rows,
  );
}

/** Each target of issue 3 that the runs can judge, met or missed. */
export function printTargets(outcomes: readonly ScenarioOutcome[]): void {
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    const { scenario } = outcome;
    const ours = summarise(outcome.ours);
    const baseline = summarise(outcome.baseline);
    if (ours === undefined) continue;
    const bound = latencyBound(scenario);
    if (bound !== undefined) {
      const wanted = bound * TARGETS.latencyBoundShare;
      // On S3 the server can be slower than the latency bound; then the raw loop shows the ceiling.
      const ceilingBelow =
        scenario.baseline === 'raw-fetch-put' &&
        baseline !== undefined &&
        baseline.medianTilesPerSecond < wanted;
      const ceiling = summarise(outcome.ceiling);
      rows.push([
        scenario.id,
        `>= ${percent(TARGETS.latencyBoundShare)} of latency bound (${rate(wanted)}/s)`,
        `${rate(ours.medianTilesPerSecond)}/s (${percent(ours.medianTilesPerSecond / bound)})` +
          (ceiling === undefined
            ? ''
            : `; ${CEILING_NAME} ${rate(ceiling.medianTilesPerSecond)}/s (${percent(ceiling.medianTilesPerSecond / bound)})`),
        ours.medianTilesPerSecond >= wanted
          ? 'met'
          : ceilingBelow
            ? `n/a: the raw loop reaches ${rate(baseline.medianTilesPerSecond)}/s`
            : 'MISSED',
      ]);
      rows.push([
        scenario.id,
        `seeder RSS < 300 MB (${formatBytes(TARGETS.seederRssBytes)})`,
        formatBytes(ours.peakRssBytes),
        ours.peakRssBytes < TARGETS.seederRssBytes ? 'met' : 'MISSED',
      ]);
    }
    if (baseline === undefined) continue;
    const ratio = ours.medianTilesPerSecond / baseline.medianTilesPerSecond;
    if (scenario.baseline === 'mapproxy' && scenario.latencyMs === 0) {
      rows.push([
        scenario.id,
        `>= ${TARGETS.mapproxySpeedUp}x mapproxy-seed`,
        `${ratio.toFixed(2)}x`,
        ratio >= TARGETS.mapproxySpeedUp ? 'met' : 'MISSED',
      ]);
    }
    if (scenario.baseline === 'raw-fetch-put') {
      rows.push([
        scenario.id,
        `>= ${percent(TARGETS.rawLoopShare)} of raw fetch+PUT`,
        percent(ratio),
        ratio >= TARGETS.rawLoopShare ? 'met' : 'MISSED',
      ]);
    }
  }
  if (rows.length === 0) return;
  console.log('\ntargets (issue 3), on wall-clock medians:');
  printTable(
    [
      { header: 'scenario', align: 'left' },
      { header: 'target', align: 'left' },
      { header: 'measured' },
      { header: 'verdict', align: 'left' },
    ],
    rows,
  );
}
