import { performance } from 'node:perf_hooks';

export interface Measurement<T> {
  /** Wall time of each run, milliseconds. */
  durationsMs: number[];
  medianMs: number;
  /** What the last run returned, so the caller can report it (and the work cannot be optimised away). */
  result: T;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((first, second) => first - second);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs `work` `runs` times and keeps the median wall time. If node runs with --expose-gc a full
 * collection precedes each run, so one run's garbage is not billed to the next.
 */
export async function measure<T>(runs: number, work: () => T | Promise<T>): Promise<Measurement<T>> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be an integer >= 1, got ${runs}`);
  const durationsMs: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    collectGarbage();
    const started = performance.now();
    result = await work();
    durationsMs.push(performance.now() - started);
  }
  return { durationsMs, medianMs: median(durationsMs), result: result as T };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/** Highest resident set size of this process so far, bytes (getrusage ru_maxrss is in kilobytes). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
