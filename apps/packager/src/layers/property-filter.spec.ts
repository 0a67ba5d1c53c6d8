import type { PropertyCondition } from '@map-offline/contracts';
import { matchesPropertyFilter } from './property-filter';

const well = { name: 'North well', depth: 42, active: true, status: 'open', note: null };

function condition(
  operator: PropertyCondition['operator'],
  property: string,
  value?: string,
  values?: string[],
): PropertyCondition {
  return { operator, property, ...(value !== undefined ? { value } : {}), ...(values ? { values } : {}) };
}

describe('matchesPropertyFilter', () => {
  it('keeps everything with no conditions, even features without properties', () => {
    expect(matchesPropertyFilter(well, [])).toBe(true);
    expect(matchesPropertyFilter(null, [])).toBe(true);
  });

  it('compares numbers numerically and strings as text', () => {
    expect(matchesPropertyFilter(well, [condition('equals', 'depth', '42')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('equals', 'depth', '42.0')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('greater-than', 'depth', '9')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('less-than', 'depth', '9')])).toBe(false);
    expect(matchesPropertyFilter(well, [condition('less-than-or-equal', 'depth', '42')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('greater-than-or-equal', 'depth', '43')])).toBe(false);
    // As text "42" < "9"; as a number it is not.
    expect(matchesPropertyFilter({ depth: '42' }, [condition('less-than', 'depth', '9')])).toBe(true);
  });

  it('never matches a value that does not parse as the property type', () => {
    expect(matchesPropertyFilter(well, [condition('equals', 'depth', 'deep')])).toBe(false);
    expect(matchesPropertyFilter(well, [condition('greater-than', 'depth', '')])).toBe(false);
    expect(matchesPropertyFilter(well, [condition('not-equals', 'depth', 'deep')])).toBe(true);
  });

  it('compares booleans by their text', () => {
    expect(matchesPropertyFilter(well, [condition('equals', 'active', 'true')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('equals', 'active', 'false')])).toBe(false);
  });

  it('handles lists, existence and substrings', () => {
    expect(matchesPropertyFilter(well, [condition('in', 'status', undefined, ['open', 'planned'])])).toBe(
      true,
    );
    expect(matchesPropertyFilter(well, [condition('not-in', 'status', undefined, ['closed'])])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('in', 'depth', undefined, ['1', '42'])])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('exists', 'name')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('exists', 'note')])).toBe(false);
    expect(matchesPropertyFilter(well, [condition('not-exists', 'note')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('not-exists', 'missing')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('contains', 'name', 'WELL')])).toBe(true);
    expect(matchesPropertyFilter(well, [condition('contains', 'active', 'tr')])).toBe(false);
  });

  it('requires every condition (AND)', () => {
    const both = [condition('equals', 'status', 'open'), condition('greater-than', 'depth', '50')];
    expect(matchesPropertyFilter(well, both)).toBe(false);
    expect(matchesPropertyFilter({ ...well, depth: 60 }, both)).toBe(true);
  });

  it('does not read inherited properties', () => {
    expect(matchesPropertyFilter({}, [condition('exists', 'toString')])).toBe(false);
  });
});
