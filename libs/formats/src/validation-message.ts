import { z } from 'zod';
import { FormatError, FormatErrorCode } from './format-error';

/** `layers[2].symbol.marker-style`: numbers as indexes, keys joined with dots (hyphens kept as written). */
export function formatFieldPath(root: string, path: readonly PropertyKey[]): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}

/** One sentence per broken rule, starting with the field path, phrased for an operator. */
export function describeIssue(root: string, issue: z.core.$ZodIssue): string {
  return `${formatFieldPath(root, issue.path)} ${describeProblem(issue)}`;
}

/** What is wrong, without the field: `must be one of circle, cross`, `is required`. */
export function describeProblem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return describeBound(issue.origin, 'at least', issue.minimum, issue.inclusive !== false);
    case 'too_big':
      return describeBound(issue.origin, 'at most', issue.maximum, issue.inclusive !== false);
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'invalid_union': {
      // A discriminated union names its allowed discriminator values (zod's type omits the field).
      const options = (issue as { options?: unknown[] }).options;
      if (issue.discriminator !== undefined && Array.isArray(options) && options.length > 0) {
        return `must be one of ${options.map((option) => String(option)).join(', ')}`;
      }
      return issue.message;
    }
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'an array';
  if (expected === 'object') return 'an object';
  if (expected === 'int') return 'an integer';
  return `a ${expected}`;
}

function describeBound(origin: string, relation: string, bound: number | bigint, inclusive: boolean): string {
  const strict = inclusive ? relation : relation === 'at least' ? 'greater than' : 'less than';
  if (origin === 'array') return `must have ${relation} ${bound} item${bound === 1 ? '' : 's'}`;
  if (origin === 'string') {
    return bound === 1 && relation === 'at least'
      ? 'must not be empty'
      : `must be ${relation} ${bound} characters`;
  }
  return `must be ${strict} ${bound}`;
}

/** Parse or throw a FormatError naming every broken field. */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  root: string,
  code: FormatErrorCode,
): z.output<Schema> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(root, issue));
  throw new FormatError(code, problems.join('; '), problems);
}
