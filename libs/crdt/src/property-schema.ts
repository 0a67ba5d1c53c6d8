import { Change, ChangeOperation } from './change';
import { CrdtErrorCode, CrdtValidationError, ValidationResult, toValidationResult } from './crdt-error';
import { JsonValue, canonicalJson } from './json-value';
import { assertJsonValue, assertPropertyKey } from './property-patch-validation';

/** The JSON types a property rule may name, with JSON Schema's meaning ("integer" is a whole number). */
export const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** The rule for one property: a subset of JSON Schema keywords, with the same meaning. */
export interface PropertyRule {
  type?: PropertyType | PropertyType[];
  enum?: JsonValue[];
  minimum?: number;
  maximum?: number;
  /** characters (UTF-16 code units, as JSON Schema counts them) */
  minLength?: number;
  maxLength?: number;
}

/**
 * A layer's optional property schema. It is a valid JSON Schema (draft 2020-12) object schema, so
 * field tools can use it for their forms; only these keywords are accepted, so nothing in it is
 * silently ignored.
 */
export interface PropertySchema {
  properties: Record<string, PropertyRule>;
  /** keys a CREATE must set and no UPDATE may unset */
  required?: string[];
  /** false: a key without a rule is refused (default true) */
  additionalProperties?: boolean;
}

/** Most property rules in one schema: far above a field form, far below a memory problem. */
export const MAX_SCHEMA_PROPERTIES = 1_000;

const SCHEMA_MEMBERS = ['type', 'properties', 'required', 'additionalProperties', '$schema', 'title'];
const RULE_MEMBERS = ['type', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'title', 'description'];

/** Checks a property schema from untrusted input and returns a clean copy. */
export function assertPropertySchema(input: unknown): PropertySchema {
  const record = asRecord(input, 'propertySchema');
  for (const key of Object.keys(record)) {
    if (!SCHEMA_MEMBERS.includes(key)) {
      throw schemaError(`propertySchema.${key}`, `only the keywords ${SCHEMA_MEMBERS.join(', ')}`, key);
    }
  }
  if (record.type !== undefined && record.type !== 'object') {
    throw schemaError('propertySchema.type', '"object"', record.type);
  }
  const properties = asRecord(record.properties ?? {}, 'propertySchema.properties');
  const keys = Object.keys(properties);
  if (keys.length > MAX_SCHEMA_PROPERTIES) {
    throw schemaError(
      'propertySchema.properties',
      `at most ${MAX_SCHEMA_PROPERTIES} properties`,
      `${keys.length} properties`,
    );
  }
  const rules = keys.map((key) => {
    assertPropertyKey(key, `propertySchema.properties[${JSON.stringify(key)}]`);
    return [key, assertRule(properties[key], `propertySchema.properties[${JSON.stringify(key)}]`)] as const;
  });
  const schema: PropertySchema = { properties: Object.fromEntries(rules) };
  if (record.required !== undefined) {
    if (!Array.isArray(record.required) || record.required.some((key) => typeof key !== 'string')) {
      throw schemaError('propertySchema.required', 'a list of property keys', record.required);
    }
    const required = [...new Set(record.required as string[])];
    for (const key of required) {
      if (!Object.hasOwn(schema.properties, key)) {
        throw schemaError('propertySchema.required', 'keys that have a rule in properties', key);
      }
    }
    schema.required = required;
  }
  if (record.additionalProperties !== undefined) {
    if (typeof record.additionalProperties !== 'boolean') {
      throw schemaError('propertySchema.additionalProperties', 'true or false', record.additionalProperties);
    }
    schema.additionalProperties = record.additionalProperties;
  }
  return schema;
}

export function validatePropertySchema(input: unknown): ValidationResult<PropertySchema> {
  return toValidationResult(() => assertPropertySchema(input));
}

/**
 * Checks one validated change against its layer's schema; throws a SCHEMA_VIOLATION naming the
 * property and the rule. A CREATE must set every required key; an UPDATE may not unset one. The check
 * reads only the change and the schema, so every server decides the same way.
 */
export function assertChangeMatchesSchema(change: Change, schema: PropertySchema): void {
  if (change.op === ChangeOperation.DELETE) return;
  const set = change.set ?? {};
  for (const [key, value] of Object.entries(set)) {
    const field = `set[${JSON.stringify(key)}]`;
    const rule = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (rule === undefined) {
      if (schema.additionalProperties === false) {
        throw violation(field, 'a property declared in the layer schema', key);
      }
      continue;
    }
    checkRule(value, rule, field);
  }
  const required = schema.required ?? [];
  for (const key of change.unset ?? []) {
    if (required.includes(key)) {
      throw violation(`unset[${JSON.stringify(key)}]`, 'a property the layer schema does not require', key);
    }
  }
  if (change.op === ChangeOperation.CREATE) {
    const missing = required.filter((key) => !Object.hasOwn(set, key));
    if (missing.length > 0) {
      throw violation(
        'set',
        `every required property (${required.join(', ')})`,
        `missing ${missing.join(', ')}`,
      );
    }
  }
}

export function validateChangeAgainstSchema(
  change: Change,
  schema: PropertySchema,
): ValidationResult<Change> {
  return toValidationResult(() => {
    assertChangeMatchesSchema(change, schema);
    return change;
  });
}

function assertRule(input: unknown, field: string): PropertyRule {
  const record = asRecord(input, field);
  for (const key of Object.keys(record)) {
    if (!RULE_MEMBERS.includes(key)) {
      throw schemaError(`${field}.${key}`, `only the keywords ${RULE_MEMBERS.join(', ')}`, key);
    }
  }
  const rule: PropertyRule = {};
  if (record.type !== undefined) {
    const types = Array.isArray(record.type) ? record.type : [record.type];
    const known: readonly unknown[] = PROPERTY_TYPES;
    if (types.length === 0 || types.some((type) => !known.includes(type))) {
      throw schemaError(`${field}.type`, `one or more of ${PROPERTY_TYPES.join(', ')}`, record.type);
    }
    rule.type = Array.isArray(record.type) ? [...(types as PropertyType[])] : (record.type as PropertyType);
  }
  if (record.enum !== undefined) {
    if (!Array.isArray(record.enum) || record.enum.length === 0) {
      throw schemaError(`${field}.enum`, 'a non-empty list of JSON values', record.enum);
    }
    rule.enum = record.enum.map((value, index) => assertJsonValue(value, `${field}.enum[${index}]`));
  }
  for (const keyword of ['minimum', 'maximum'] as const) {
    const value = record[keyword];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw schemaError(`${field}.${keyword}`, 'a finite number', value);
    }
    rule[keyword] = value;
  }
  for (const keyword of ['minLength', 'maxLength'] as const) {
    const value = record[keyword];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw schemaError(`${field}.${keyword}`, 'a whole number >= 0', value);
    }
    rule[keyword] = value;
  }
  return rule;
}

function checkRule(value: JsonValue, rule: PropertyRule, field: string): void {
  if (rule.type !== undefined) {
    const types = Array.isArray(rule.type) ? rule.type : [rule.type];
    if (!types.some((type) => hasType(value, type))) {
      throw violation(field, `of type ${types.join(' or ')}`, value);
    }
  }
  if (rule.enum !== undefined) {
    const text = canonicalJson(value);
    if (!rule.enum.some((allowed) => canonicalJson(allowed) === text)) {
      throw violation(field, `one of ${JSON.stringify(rule.enum)}`, value);
    }
  }
  if (typeof value === 'number') {
    if (rule.minimum !== undefined && value < rule.minimum) {
      throw violation(field, `at least ${rule.minimum}`, value);
    }
    if (rule.maximum !== undefined && value > rule.maximum) {
      throw violation(field, `at most ${rule.maximum}`, value);
    }
  }
  if (typeof value === 'string') {
    if (rule.minLength !== undefined && value.length < rule.minLength) {
      throw violation(field, `at least ${rule.minLength} characters`, value);
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      throw violation(field, `at most ${rule.maxLength} characters`, value);
    }
  }
}

function hasType(value: JsonValue, type: PropertyType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

function asRecord(input: unknown, field: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw schemaError(field, 'an object', input);
  }
  return input as Record<string, unknown>;
}

function schemaError(field: string, limit: string, value: unknown): CrdtValidationError {
  return new CrdtValidationError(CrdtErrorCode.INVALID_SCHEMA, field, limit, value);
}

function violation(field: string, limit: string, value: unknown): CrdtValidationError {
  return new CrdtValidationError(CrdtErrorCode.SCHEMA_VIOLATION, field, limit, value);
}
