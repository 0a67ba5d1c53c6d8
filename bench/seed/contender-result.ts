import { machineCpuMilliseconds } from '../support/process-tree.sampler';

/** One contender's run of one scenario, as the tables show it. */
export interface ContenderResult {
  /** tile requests the fixture server answered during the run (every contender must make the same number) */
  upstreamRequests: number;
  /** response body bytes the fixture sent during the run */
  upstreamBytes: number;
  /** milliseconds from the start (mutation sent, command started) to the last tile stored */
  wallMs: number;
  /** our seeder only: milliseconds from the job's startedAt to its finishedAt */
  jobMs?: number;
  /** highest summed RSS of the contender's processes, bytes */
  peakRssBytes: number;
  /** most processes the contender ran at once */
  processes: number;
  /** CPU time the contender's processes used during the run, milliseconds */
  cpuMs: number;
  /** CPU time the fixture server used during the run, milliseconds */
  fixtureCpuMs: number;
  /** objects (blobs, files) the contender stored */
  storedObjects: number;
  /** share of the machine's CPU (all cores) busy during the run, whoever used it: other work skews a run */
  machineBusyShare: number;
}

/** Measures the machine's busy share between start() and the returned function's call. */
export function startMachineMeter(): () => number {
  const before = machineCpuMilliseconds();
  return () => {
    const after = machineCpuMilliseconds();
    const total = after.total - before.total;
    return total > 0 ? (after.busy - before.busy) / total : 0;
  };
}

/** tiles per second over a duration in milliseconds */
export function tilesPerSecond(tiles: number, milliseconds: number): number {
  return milliseconds > 0 ? (tiles * 1000) / milliseconds : 0;
}
