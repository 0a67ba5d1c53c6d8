import fc from 'fast-check';
import type { Geometry } from 'geojson';
import { Change, ChangeOperation } from '../change';
import { FunctionClock, HybridLogicalClock, formatHlc } from '../hybrid-logical-clock';
import { JsonValue } from '../json-value';
import { VectorClock, incrementClock, mergeClocks } from '../vector-clock';
import { SeededRandom } from './seeded-random';

export const FEATURE_ID = '0b6c9f2e-3d41-4a8e-9c55-7e2f1a0d9b34';
/** Three field devices and one office editor, so SERVER_WINS and CLIENT_WINS have both kinds. */
export const DEVICES = ['tablet-a', 'tablet-b', 'phone-c', 'server:office'] as const;
export const PROPERTY_KEYS = ['name', 'height', 'status'] as const;
/** Few values, so independent devices often write identical ones. */
export const PROPERTY_VALUES: JsonValue[] = ['oak', 'pine', 12, null, { surveyed: true }];
export const GEOMETRIES: Geometry[] = [
  { type: 'Point', coordinates: [36.8, -1.28] },
  { type: 'Point', coordinates: [36.81, -1.29] },
  {
    type: 'Polygon',
    coordinates: [
      [
        [36.8, -1.3],
        [36.9, -1.3],
        [36.9, -1.2],
        [36.8, -1.3],
      ],
    ],
  },
];

/** One step of a scripted history; indexes pick from the pools above. */
export type HistoryAction =
  | {
      kind: 'edit';
      device: number;
      geometry: number | undefined;
      set: Array<[number, number]>;
      unset: number[];
      tick: number;
    }
  | { kind: 'delete'; device: number; tick: number }
  | { kind: 'sync'; from: number; to: number; tick: number };

const device = fc.nat({ max: DEVICES.length - 1 });
const tick = fc.integer({ min: -2_000, max: 5_000 });

export const historyActionArbitrary: fc.Arbitrary<HistoryAction> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device,
      geometry: fc.option(fc.nat({ max: GEOMETRIES.length }), { nil: undefined }),
      set: fc.array(
        fc.tuple(fc.nat({ max: PROPERTY_KEYS.length - 1 }), fc.nat({ max: PROPERTY_VALUES.length - 1 })),
        {
          maxLength: 2,
        },
      ),
      unset: fc.array(fc.nat({ max: PROPERTY_KEYS.length - 1 }), { maxLength: 1 }),
      tick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), device, tick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: device, to: device, tick }) },
);

export const historyArbitrary = fc.array(historyActionArbitrary, { minLength: 1, maxLength: 24 });

/**
 * Plays a scripted history: device 0 creates the feature and every device starts from it; then
 * devices edit on what they have seen (causal chains), sync pairwise (so later edits are causally
 * after), and otherwise edit concurrently. Wall clocks jump back and forth (`tick` may be negative);
 * the HLCs still respect causality. Returns the changes in the order they were made.
 */
export function playHistory(actions: readonly HistoryAction[]): Change[] {
  let wallTime = 1_700_000_000_000;
  const skew = DEVICES.map((_, index) => index * 37);
  const clocks = DEVICES.map(
    (deviceId, index) =>
      new HybridLogicalClock(deviceId, new FunctionClock(() => Math.max(0, wallTime + (skew[index] ?? 0))), {
        maxDriftMilliseconds: Number.MAX_SAFE_INTEGER,
      }),
  );
  const seen: VectorClock[] = DEVICES.map(() => ({}));
  const changes: Change[] = [];
  const record = (index: number, partial: Omit<Change, 'featureId' | 'deviceId' | 'clock' | 'hlc'>): void => {
    const deviceId = DEVICES[index] as string;
    const hlc = formatHlc(clocks[index].now());
    const baseClock = seen[index];
    const clock = incrementClock(baseClock, deviceId);
    seen[index] = clock;
    const change: Change = { featureId: FEATURE_ID, deviceId, clock, hlc, ...partial };
    if (Object.keys(baseClock).length > 0) change.baseClock = baseClock;
    changes.push(change);
  };
  record(0, { op: ChangeOperation.CREATE, layerId: 'trees', geometry: GEOMETRIES[0], set: { name: 'oak' } });
  const creation = changes[0];
  for (let index = 1; index < DEVICES.length; index += 1) {
    seen[index] = creation.clock;
    clocks[index].receive(creation.hlc);
  }
  for (const action of actions) {
    wallTime += action.tick;
    if (action.kind === 'sync') {
      seen[action.to] = mergeClocks(seen[action.to], seen[action.from]);
      clocks[action.to].receive(clocks[action.from].current());
    } else if (action.kind === 'delete') {
      record(action.device, { op: ChangeOperation.DELETE });
    } else {
      const set = new Map(
        action.set.map(([key, value]) => [PROPERTY_KEYS[key] as string, PROPERTY_VALUES[value]]),
      );
      const unset = action.unset.map((key) => PROPERTY_KEYS[key] as string).filter((key) => !set.has(key));
      const partial: Omit<Change, 'featureId' | 'deviceId' | 'clock' | 'hlc'> = {
        op: ChangeOperation.UPDATE,
      };
      if (action.geometry !== undefined) partial.geometry = GEOMETRIES[action.geometry] ?? null;
      if (set.size > 0) partial.set = Object.fromEntries(set);
      if (unset.length > 0) partial.unset = [...new Set(unset)];
      record(action.device, partial);
    }
  }
  return changes;
}

/** A delivery: the changes shuffled, with some delivered more than once. */
export function shuffledWithDuplicates(changes: readonly Change[], seed: number): Change[] {
  const random = new SeededRandom(seed);
  const duplicates = changes.filter(() => random.chance(0.3));
  return random.shuffle([...changes, ...duplicates]);
}
