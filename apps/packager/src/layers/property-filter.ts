import type { PropertyCondition } from '@map-offline/contracts';

type Properties = Record<string, unknown> | null | undefined;

/**
 * True when a feature's properties satisfy every condition (an empty filter keeps everything). A number
 * property is compared as a number and a boolean as `true`/`false`; a value that does not parse as the
 * property's type never matches (and so `not-equals` / `not-in` keep the feature). `contains` is a
 * case-insensitive substring test on the text of the property.
 */
export function matchesPropertyFilter(
  properties: Properties,
  conditions: readonly PropertyCondition[],
): boolean {
  return conditions.every((condition) => matchesCondition(properties, condition));
}

function matchesCondition(properties: Properties, condition: PropertyCondition): boolean {
  const present =
    properties !== null && properties !== undefined && Object.hasOwn(properties, condition.property);
  const actual: unknown = present ? properties?.[condition.property] : undefined;
  switch (condition.operator) {
    case 'exists':
      return present && actual !== null;
    case 'not-exists':
      return !present || actual === null;
    case 'equals':
      return equalsValue(actual, condition.value ?? '');
    case 'not-equals':
      return !equalsValue(actual, condition.value ?? '');
    case 'in':
      return (condition.values ?? []).some((value) => equalsValue(actual, value));
    case 'not-in':
      return !(condition.values ?? []).some((value) => equalsValue(actual, value));
    case 'less-than':
      return compare(actual, condition.value ?? '', (order) => order < 0);
    case 'less-than-or-equal':
      return compare(actual, condition.value ?? '', (order) => order <= 0);
    case 'greater-than':
      return compare(actual, condition.value ?? '', (order) => order > 0);
    case 'greater-than-or-equal':
      return compare(actual, condition.value ?? '', (order) => order >= 0);
    case 'contains':
      return (
        (typeof actual === 'string' || typeof actual === 'number') &&
        String(actual)
          .toLowerCase()
          .includes((condition.value ?? '').toLowerCase())
      );
  }
}

function equalsValue(actual: unknown, expected: string): boolean {
  if (typeof actual === 'number') {
    const number = parseNumber(expected);
    return number !== undefined && actual === number;
  }
  if (typeof actual === 'boolean') return expected === String(actual);
  if (typeof actual === 'string') return actual === expected;
  return false;
}

/** Orders numbers numerically and strings by code point; anything else (or a type mismatch) never matches. */
function compare(actual: unknown, expected: string, accept: (order: number) => boolean): boolean {
  if (typeof actual === 'number') {
    const number = parseNumber(expected);
    return number !== undefined && !Number.isNaN(actual) && accept(Math.sign(actual - number));
  }
  if (typeof actual === 'string') return accept(actual < expected ? -1 : actual > expected ? 1 : 0);
  return false;
}

function parseNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}
