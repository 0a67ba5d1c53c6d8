import fc from 'fast-check';
import { CrdtErrorCode } from './crdt-error';
import {
  FunctionClock,
  Hlc,
  HlcDriftError,
  HybridLogicalClock,
  MAX_HLC_COUNTER,
  compareEncodedHlc,
  compareHlc,
  formatHlc,
  parseHlc,
} from './hybrid-logical-clock';

const NUM_RUNS = 1_000;
const START = 1_700_000_000_000;
const nodeId = fc.constantFrom('tablet-a', 'tablet-b', 'server:1', 'a', 'ab');
const hlc: fc.Arbitrary<Hlc> = fc.record({
  wallTime: fc.oneof(fc.integer({ min: START, max: START + 3 }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
  counter: fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: MAX_HLC_COUNTER })),
  nodeId,
});

/** A wall clock the test moves by hand. */
function manualClock(start = START) {
  const time = { now: start };
  return { time, clock: new FunctionClock(() => time.now) };
}

describe('hybrid logical clock (properties)', () => {
  it('never goes backwards under random wall-clock jumps, local events and receives', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('jump' as const),
        milliseconds: fc.integer({ min: -86_400_000, max: 86_400_000 }),
      }),
      fc.record({ kind: fc.constant('now' as const) }),
      fc.record({
        kind: fc.constant('receive' as const),
        ahead: fc.integer({ min: -100_000, max: 60_000 }),
        counter: fc.nat({ max: MAX_HLC_COUNTER }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { time, clock } = manualClock();
        const node = new HybridLogicalClock('tablet-a', clock, { maxDriftMilliseconds: 60_000 });
        let previous = node.current();
        let highestSeen = previous;
        for (const next of steps) {
          if (next.kind === 'jump') {
            time.now = Math.max(0, time.now + next.milliseconds);
            continue;
          }
          let issued: Hlc;
          if (next.kind === 'now') {
            issued = node.now();
          } else {
            const remote = {
              wallTime: Math.max(0, time.now + next.ahead),
              counter: next.counter,
              nodeId: 'tablet-b',
            };
            issued = node.receive(remote);
            if (compareHlc(remote, highestSeen) > 0) highestSeen = remote;
          }
          expect(compareHlc(issued, previous)).toBeGreaterThan(0);
          expect(compareHlc(issued, highestSeen)).toBeGreaterThan(0);
          expect(compareEncodedHlc(formatHlc(issued), formatHlc(previous))).toBeGreaterThan(0);
          // Never behind the physical clock either, so timestamps stay close to real time.
          expect(issued.wallTime).toBeGreaterThanOrEqual(time.now);
          previous = issued;
          if (compareHlc(issued, highestSeen) > 0) highestSeen = issued;
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the string encoding sorts exactly like compareHlc and round-trips', () => {
    fc.assert(
      fc.property(hlc, hlc, (a, b) => {
        expect(Math.sign(compareEncodedHlc(formatHlc(a), formatHlc(b)))).toBe(Math.sign(compareHlc(a, b)));
        expect(parseHlc(formatHlc(a))).toEqual(a);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('compareHlc is a total order: antisymmetric, transitive, zero only for equal timestamps', () => {
    fc.assert(
      fc.property(hlc, hlc, hlc, (a, b, c) => {
        expect(Math.sign(compareHlc(a, b))).toBe(0 - Math.sign(compareHlc(b, a)) + 0);
        expect(compareHlc(a, b) === 0).toBe(formatHlc(a) === formatHlc(b));
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0) expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('hybrid logical clock (examples)', () => {
  it('follows the wall clock when it moves forwards and counts when it stands still or goes back', () => {
    const { time, clock } = manualClock();
    const node = new HybridLogicalClock('tablet-a', clock);
    expect(node.now()).toEqual({ wallTime: START, counter: 0, nodeId: 'tablet-a' });
    expect(node.now()).toEqual({ wallTime: START, counter: 1, nodeId: 'tablet-a' });
    time.now = START - 5_000;
    expect(node.now()).toEqual({ wallTime: START, counter: 2, nodeId: 'tablet-a' });
    time.now = START + 10;
    expect(node.now()).toEqual({ wallTime: START + 10, counter: 0, nodeId: 'tablet-a' });
  });

  it('moves past a remote timestamp within the drift bound', () => {
    const { clock } = manualClock();
    const node = new HybridLogicalClock('tablet-a', clock, { maxDriftMilliseconds: 1_000 });
    const received = node.receive(formatHlc({ wallTime: START + 900, counter: 4, nodeId: 'tablet-b' }));
    expect(received).toEqual({ wallTime: START + 900, counter: 5, nodeId: 'tablet-a' });
  });

  it('rejects a remote timestamp too far in the future with an error naming the limit', () => {
    const { clock } = manualClock();
    const node = new HybridLogicalClock('tablet-a', clock, { maxDriftMilliseconds: 1_000 });
    const before = node.now();
    const remote = { wallTime: START + 1_001, counter: 0, nodeId: 'tablet-b' };
    expect(() => node.receive(remote)).toThrow(HlcDriftError);
    expect(() => node.receive(remote)).toThrow(/at most 1000 ms ahead/);
    try {
      node.receive(remote);
    } catch (error: unknown) {
      expect(error).toMatchObject({ code: CrdtErrorCode.HLC_DRIFT_EXCEEDED, maxDriftMilliseconds: 1_000 });
    }
    // A rejected timestamp leaves the clock where it was.
    expect(node.current()).toEqual(before);
  });

  it('borrows a millisecond when the counter is exhausted instead of repeating a timestamp', () => {
    const { clock } = manualClock();
    const node = new HybridLogicalClock('tablet-a', clock, {
      last: { wallTime: START, counter: MAX_HLC_COUNTER, nodeId: 'tablet-a' },
    });
    expect(node.now()).toEqual({ wallTime: START + 1, counter: 0, nodeId: 'tablet-a' });
  });

  it('refuses malformed encodings and wall clocks', () => {
    expect(() => parseHlc('018bcfe56800:0000')).toThrow(/INVALID_HLC/);
    expect(() => parseHlc('018BCFE56800:0000:tablet-a')).toThrow(/INVALID_HLC/);
    expect(() => parseHlc('018bcfe56800:0000:bad node')).toThrow(/INVALID_DEVICE_ID/);
    const broken = new HybridLogicalClock('tablet-a', new FunctionClock(() => Number.NaN));
    expect(() => broken.now()).toThrow(/clock.nowMilliseconds/);
  });
});
