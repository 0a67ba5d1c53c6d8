import { CrdtErrorCode } from './crdt-error';
import { ChangeOperation, validateChange } from './change';
import { formatHlc } from './hybrid-logical-clock';
import { DEFAULT_PROPERTY_PATCH_LIMITS, validatePropertyPatch } from './property-patch-validation';

const valid = {
  featureId: '9D2E4C1A-7B3F-4E58-A6D0-2C8B1F9E0A47',
  layerId: 'trees',
  deviceId: 'tablet-a',
  op: ChangeOperation.UPDATE,
  set: { name: 'oak', tags: ['a', { b: 1 }] },
  unset: ['height'],
  geometry: { type: 'Point', coordinates: [1, 2] },
  clock: { 'tablet-a': 2, 'tablet-b': 1 },
  baseClock: { 'tablet-a': 1, 'tablet-b': 1 },
  hlc: formatHlc({ wallTime: 1_700_000_000_000, counter: 3, nodeId: 'tablet-a' }),
};

function rejection(input: unknown): { code: CrdtErrorCode; field: string } {
  const result = validateChange(input);
  if (result.ok) throw new Error('expected a rejection');
  return { code: result.error.code, field: result.error.field };
}

describe('validateChange', () => {
  it('accepts a valid change and returns a clean copy', () => {
    const result = validateChange(valid);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.featureId).toBe(valid.featureId.toLowerCase());
      expect(result.value.set).toEqual(valid.set);
      expect(result.value.set).not.toBe(valid.set);
    }
  });

  it('rejects one bad change with a typed reason, so a batch can keep the rest', () => {
    const cases: Array<[Record<string, unknown>, CrdtErrorCode, string]> = [
      [{ featureId: 'not-a-uuid' }, CrdtErrorCode.INVALID_CHANGE, 'featureId'],
      [{ deviceId: '' }, CrdtErrorCode.INVALID_DEVICE_ID, 'deviceId'],
      [{ op: 'MOVE' }, CrdtErrorCode.INVALID_CHANGE, 'op'],
      [{ clock: { 'tablet-b': 1 } }, CrdtErrorCode.INVALID_CLOCK, 'clock["tablet-a"]'],
      [{ clock: { 'tablet-a': -1 } }, CrdtErrorCode.INVALID_COUNTER, 'clock["tablet-a"]'],
      [{ baseClock: { 'tablet-a': 2, 'tablet-b': 1 } }, CrdtErrorCode.INVALID_CLOCK, 'baseClock'],
      [{ baseClock: { 'tablet-c': 1 } }, CrdtErrorCode.INVALID_CLOCK, 'baseClock'],
      [{ hlc: 'yesterday' }, CrdtErrorCode.INVALID_HLC, 'hlc'],
      [
        { geometry: { type: 'Point', coordinates: [200, 0] } },
        CrdtErrorCode.COORDINATE_OUT_OF_RANGE,
        'geometry.coordinates[0]',
      ],
      [{ set: { name: Number.POSITIVE_INFINITY } }, CrdtErrorCode.INVALID_PROPERTY_VALUE, 'set.name'],
      [{ set: { when: new Date(0) } }, CrdtErrorCode.INVALID_PROPERTY_VALUE, 'set.when'],
      [{ set: { height: 1 } }, CrdtErrorCode.INVALID_CHANGE, 'unset "height"'],
      [{ unset: 'height' }, CrdtErrorCode.INVALID_CHANGE, 'unset'],
      [{ op: ChangeOperation.DELETE }, CrdtErrorCode.INVALID_CHANGE, 'geometry'],
      [{ op: ChangeOperation.CREATE }, CrdtErrorCode.INVALID_CHANGE, 'unset'],
      [{ colour: 'red' }, CrdtErrorCode.UNKNOWN_MEMBER, 'colour'],
    ];
    for (const [patch, code, field] of cases) {
      expect({ patch, ...rejection({ ...valid, ...patch }) }).toEqual({ patch, code, field });
    }
  });

  it('accepts a bare DELETE and an UPDATE that only restores the feature', () => {
    const { set: _set, unset: _unset, geometry: _geometry, ...bare } = valid;
    expect(validateChange({ ...bare, op: ChangeOperation.DELETE }).ok).toBe(true);
    expect(validateChange({ ...bare, op: ChangeOperation.UPDATE }).ok).toBe(true);
  });
});

describe('validatePropertyPatch', () => {
  it('limits key length, key characters, nesting and total size, naming the limit', () => {
    const longKey = 'k'.repeat(DEFAULT_PROPERTY_PATCH_LIMITS.maxKeyLength + 1);
    const cases: Array<[unknown, unknown, CrdtErrorCode, RegExp]> = [
      [{ [longKey]: 1 }, undefined, CrdtErrorCode.INVALID_PROPERTY_KEY, /1\.\.256 characters/],
      [{ 'tab\there': 1 }, undefined, CrdtErrorCode.INVALID_PROPERTY_KEY, /control characters/],
      [JSON.parse('{"__proto__": 1}'), undefined, CrdtErrorCode.INVALID_PROPERTY_KEY, /__proto__/],
      [
        { deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) },
        undefined,
        CrdtErrorCode.NESTING_TOO_DEEP,
        /at most 32 levels/,
      ],
      [{ blob: 'x'.repeat(300 * 1024) }, undefined, CrdtErrorCode.PATCH_TOO_LARGE, /at most 262144 bytes/],
      [undefined, ['a', 'a'], CrdtErrorCode.INVALID_CHANGE, /unset "a"/],
      [[1], undefined, CrdtErrorCode.INVALID_CHANGE, /set/],
    ];
    for (const [set, unset, code, message] of cases) {
      const result = validatePropertyPatch(set, unset);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message).toMatch(message);
      }
    }
    const tooMany = Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`key-${index}`, index]));
    const limited = validatePropertyPatch(tooMany, undefined, {
      ...DEFAULT_PROPERTY_PATCH_LIMITS,
      maxKeys: 2,
    });
    expect(limited.ok).toBe(false);
    if (!limited.ok) expect(limited.error.code).toBe(CrdtErrorCode.PATCH_TOO_LARGE);
  });

  it('counts bytes of UTF-8, not characters', () => {
    const limits = { ...DEFAULT_PROPERTY_PATCH_LIMITS, maxPatchBytes: 20 };
    expect(validatePropertyPatch({ n: 'éééé' }, undefined, limits).ok).toBe(true);
    expect(validatePropertyPatch({ n: 'éééééééé' }, undefined, limits).ok).toBe(false);
  });
});
