import { ChangeOperation, assertChange } from './change';
import { CrdtErrorCode } from './crdt-error';
import { formatHlc } from './hybrid-logical-clock';
import {
  PropertySchema,
  assertPropertySchema,
  validateChangeAgainstSchema,
  validatePropertySchema,
} from './property-schema';

const schema: PropertySchema = assertPropertySchema({
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 20 },
    height: { type: ['number', 'null'], minimum: 0, maximum: 120 },
    count: { type: 'integer' },
    status: { enum: ['alive', 'dead', { stump: true, metres: 1 }] },
  },
  required: ['name'],
  additionalProperties: false,
});

function change(op: ChangeOperation, patch: { set?: Record<string, unknown>; unset?: string[] }) {
  return assertChange({
    featureId: '9d2e4c1a-7b3f-4e58-a6d0-2c8b1f9e0a47',
    deviceId: 'tablet-a',
    op,
    clock: { 'tablet-a': 1 },
    hlc: formatHlc({ wallTime: 1_700_000_000_000, counter: 0, nodeId: 'tablet-a' }),
    ...patch,
  });
}

function violation(op: ChangeOperation, patch: { set?: Record<string, unknown>; unset?: string[] }) {
  const result = validateChangeAgainstSchema(change(op, patch), schema);
  if (result.ok) throw new Error('expected a schema violation');
  return { code: result.error.code, field: result.error.field, message: result.error.message };
}

describe('property schema', () => {
  it('accepts changes that follow the schema, including values equal to an enum object in any key order', () => {
    const accepted = [
      change(ChangeOperation.CREATE, { set: { name: 'oak', height: 12.5, count: 3 } }),
      change(ChangeOperation.UPDATE, { set: { height: null, status: { metres: 1, stump: true } } }),
      change(ChangeOperation.UPDATE, { unset: ['height'] }),
      change(ChangeOperation.UPDATE, {}),
    ];
    for (const candidate of accepted) expect(validateChangeAgainstSchema(candidate, schema).ok).toBe(true);
  });

  it('names the property and the rule a change breaks', () => {
    const cases: Array<
      [ChangeOperation, { set?: Record<string, unknown>; unset?: string[] }, string, RegExp]
    > = [
      [ChangeOperation.UPDATE, { set: { name: 7 } }, 'set["name"]', /of type string/],
      [ChangeOperation.UPDATE, { set: { name: '' } }, 'set["name"]', /at least 1 characters/],
      [ChangeOperation.UPDATE, { set: { name: 'x'.repeat(21) } }, 'set["name"]', /at most 20 characters/],
      [ChangeOperation.UPDATE, { set: { height: -1 } }, 'set["height"]', /at least 0/],
      [ChangeOperation.UPDATE, { set: { height: 121 } }, 'set["height"]', /at most 120/],
      [ChangeOperation.UPDATE, { set: { count: 1.5 } }, 'set["count"]', /of type integer/],
      [ChangeOperation.UPDATE, { set: { status: 'felled' } }, 'set["status"]', /one of/],
      [ChangeOperation.UPDATE, { set: { colour: 'red' } }, 'set["colour"]', /declared in the layer schema/],
      [ChangeOperation.UPDATE, { unset: ['name'] }, 'unset["name"]', /does not require/],
      [ChangeOperation.CREATE, { set: { height: 1 } }, 'set', /missing name/],
    ];
    for (const [op, patch, field, message] of cases) {
      const found = violation(op, patch);
      expect(found.code).toBe(CrdtErrorCode.SCHEMA_VIOLATION);
      expect(found.field).toBe(field);
      expect(found.message).toMatch(message);
    }
  });

  it('does not check deletes, and allows unknown keys unless additionalProperties is false', () => {
    const open = assertPropertySchema({ properties: { name: { type: 'string' } } });
    expect(
      validateChangeAgainstSchema(change(ChangeOperation.UPDATE, { set: { colour: 'red' } }), open).ok,
    ).toBe(true);
    const deletion = assertChange({
      featureId: '9d2e4c1a-7b3f-4e58-a6d0-2c8b1f9e0a47',
      deviceId: 'tablet-a',
      op: ChangeOperation.DELETE,
      clock: { 'tablet-a': 2 },
      hlc: formatHlc({ wallTime: 1_700_000_000_000, counter: 0, nodeId: 'tablet-a' }),
    });
    expect(validateChangeAgainstSchema(deletion, schema).ok).toBe(true);
  });

  it('refuses schemas it would not enforce fully', () => {
    const cases: Array<[unknown, string]> = [
      ['not an object', 'propertySchema'],
      [{ properties: {}, pattern: 'x' }, 'propertySchema.pattern'],
      [{ type: 'array', properties: {} }, 'propertySchema.type'],
      [{ properties: { name: { type: 'text' } } }, 'propertySchema.properties["name"].type'],
      [{ properties: { name: { format: 'email' } } }, 'propertySchema.properties["name"].format'],
      [{ properties: { name: { enum: [] } } }, 'propertySchema.properties["name"].enum'],
      [{ properties: { name: { minimum: 'low' } } }, 'propertySchema.properties["name"].minimum'],
      [{ properties: { name: { maxLength: -1 } } }, 'propertySchema.properties["name"].maxLength'],
      [{ properties: {}, required: ['name'] }, 'propertySchema.required'],
      [{ properties: {}, additionalProperties: 'no' }, 'propertySchema.additionalProperties'],
      [JSON.parse('{"properties":{"__proto__":{}}}'), 'propertySchema.properties["__proto__"]'],
    ];
    for (const [input, field] of cases) {
      const result = validatePropertySchema(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.field).toBe(field);
    }
  });
});
