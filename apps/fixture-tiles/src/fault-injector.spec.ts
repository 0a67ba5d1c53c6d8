import { FaultInjector, FaultOutcome } from './fault-injector';

const TILE = { z: 10, x: 1, y: 2 };
const PATHS = Array.from({ length: 200 }, (_, index) => `/basic/10/${index}/7.png`);

/** Every path asked `rounds` times, round after round, as outcome kinds/statuses. */
function outcomes(injector: FaultInjector, rounds: number): string[] {
  const seen: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const path of PATHS) seen.push(describeOutcome(injector.outcomeFor(path, TILE)));
  }
  return seen;
}

function describeOutcome(outcome: FaultOutcome): string {
  return outcome.kind === 'error' ? String(outcome.status) : outcome.kind;
}

describe('FaultInjector', () => {
  it('answers every request normally without faults, with the configured latency', () => {
    const injector = new FaultInjector({ latencyMs: 25 });
    expect(new Set(outcomes(injector, 3))).toEqual(new Set(['none']));
    expect(injector.delayFor(PATHS[0])).toBe(25);
  });

  it('draws 500, 429 and HTML at the configured rates over 10,000 requests', () => {
    const injector = new FaultInjector({ errorRate: 0.1, rateLimitRate: 0.2, htmlErrorRate: 0.05, seed: 9 });
    const seen = outcomes(injector, 50);
    const share = (kind: string): number => seen.filter((value) => value === kind).length / seen.length;
    // A binomial over 10,000 draws: five standard deviations are under 0.02 for these rates.
    expect(Math.abs(share('500') - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(share('429') - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(share('html') - 0.05)).toBeLessThan(0.02);
  });

  it('repeats the draws for a seed, in any order of paths, and starts again on set()', () => {
    const settings = { errorRate: 0.3, seed: 4 };
    const first = outcomes(new FaultInjector(settings), 3);
    expect(outcomes(new FaultInjector(settings), 3)).toEqual(first);

    // Asking for the paths in reverse order gives each (path, attempt) the same answer.
    const reversed = new FaultInjector(settings);
    const byPath = new Map<string, string[]>();
    for (let round = 0; round < 3; round += 1) {
      for (const path of [...PATHS].reverse()) {
        byPath.set(path, [...(byPath.get(path) ?? []), describeOutcome(reversed.outcomeFor(path, TILE))]);
      }
    }
    const inOrder = PATHS.map((_, index) => [0, 1, 2].map((round) => first[round * PATHS.length + index]));
    expect(PATHS.map((path) => byPath.get(path))).toEqual(inOrder);

    const injector = new FaultInjector(settings);
    outcomes(injector, 2);
    injector.set(settings);
    expect(outcomes(injector, 3)).toEqual(first);
    expect(outcomes(new FaultInjector({ ...settings, seed: 5 }), 3)).not.toEqual(first);
  });

  it('adds jitter in [latency, latency + jitter) that varies per request', () => {
    const injector = new FaultInjector({ latencyMs: 40, jitterMs: 20, seed: 1 });
    const delays = PATHS.map((path) => {
      injector.outcomeFor(path, TILE);
      return injector.delayFor(path);
    });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...delays)).toBeLessThan(60);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(15);
  });

  it('fails listed tiles the given number of times with their status and Retry-After on 429', () => {
    const injector = new FaultInjector({
      retryAfterSeconds: 4,
      failTiles: [
        { tiles: [TILE], times: 2, status: 503 },
        { tiles: [{ z: 3, x: 1, y: 1 }], times: 1, status: 429 },
      ],
    });
    expect(injector.outcomeFor('/basic/10/1/2.png', TILE)).toEqual({ kind: 'error', status: 503 });
    expect(injector.outcomeFor('/basic/10/1/2.mvt', TILE)).toEqual({ kind: 'error', status: 503 });
    expect(injector.outcomeFor('/basic/10/1/2.png', TILE)).toEqual({ kind: 'none' });
    expect(injector.outcomeFor('/basic/3/1/1.png', { z: 3, x: 1, y: 1 })).toEqual({
      kind: 'error',
      status: 429,
      retryAfterSeconds: 4,
    });
    expect(injector.outcomeFor('/basic/3/1/1.png', { z: 3, x: 1, y: 1 })).toEqual({ kind: 'none' });
  });

  it('refuses rates that add up to more than 1 and keeps the settings in force', () => {
    const injector = new FaultInjector({ errorRate: 0.5 });
    expect(() => injector.set({ errorRate: 0.6, htmlErrorRate: 0.6 })).toThrow(/at most 1/);
    expect(injector.current().errorRate).toBe(0.5);
  });
});
