import { z } from 'zod';
import { describeProblem } from '../validation-message';
import { hexColour } from './common-fields.schema';

export const MARKER_STYLES = ['circle', 'cross', 'diamond', 'square', 'triangle', 'x'] as const;
export const STROKE_STYLES = ['solid', 'dash', 'dashdot', 'dashdotdot', 'dot'] as const;
export const FILL_STYLES = [
  'none',
  'solid',
  'horizontal',
  'vertical',
  'forwardDiagonal',
  'backwardDiagonal',
  'cross',
  'diagonalCross',
] as const;

/** Sizes are display units of the runtime; the samples use 1.0 to 5.5. */
const size = z.number().positive();

export const pointSymbolSchema = z.strictObject({
  'marker-style': z.enum(MARKER_STYLES),
  'marker-size': size.optional(),
  'marker-color': hexColour.optional(),
  'outline-color': hexColour.optional(),
});

export const lineSymbolSchema = z.strictObject({
  'stroke-style': z.enum(STROKE_STYLES),
  'stroke-size': size.optional(),
  'stroke-color': hexColour.optional(),
});

export const areaSymbolSchema = z.strictObject({
  'fill-style': z.enum(FILL_STYLES),
  'fill-color': hexColour.optional(),
  'outline-symbol': lineSymbolSchema.optional(),
});

export type PointSymbol = z.output<typeof pointSymbolSchema>;
export type LineSymbol = z.output<typeof lineSymbolSchema>;
export type AreaSymbol = z.output<typeof areaSymbolSchema>;
export type LayerSymbol = PointSymbol | LineSymbol | AreaSymbol;
export type LayerSymbolInput =
  z.input<typeof pointSymbolSchema> | z.input<typeof lineSymbolSchema> | z.input<typeof areaSymbolSchema>;

const SYMBOL_KINDS = [
  ['marker-style', pointSymbolSchema],
  ['stroke-style', lineSymbolSchema],
  ['fill-style', areaSymbolSchema],
] as const;

/**
 * A symbol is a point, line or area symbol, told apart by which style key it carries. Dispatching on that
 * key (rather than trying all three) keeps errors precise: `symbol.marker-style must be one of ...`
 * instead of three alternatives' worth of complaints.
 */
export const layerSymbolSchema = z.unknown().transform((value, context): LayerSymbol => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    context.addIssue({ code: 'custom', message: 'must be an object', input: value });
    return z.NEVER;
  }
  const kinds = SYMBOL_KINDS.filter(([key]) => key in value);
  if (kinds.length !== 1) {
    context.addIssue({
      code: 'custom',
      message: 'must have exactly one of marker-style (point), stroke-style (line), fill-style (area)',
      input: value,
    });
    return z.NEVER;
  }
  const result = kinds[0][1].safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    context.addIssue({ code: 'custom', path: issue.path, message: describeProblem(issue), input: value });
  }
  return z.NEVER;
});
