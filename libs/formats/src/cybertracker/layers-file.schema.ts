import { z } from 'zod';
import { layerSymbolSchema, type LayerSymbol, type LayerSymbolInput } from './layer-symbol.schema';
import { archiveFileName } from './archive-file-name';

/** One entry of `layers.json` (section 1.2). */
const layerEntryObjectSchema = z.strictObject({
  /** The layer's primary file in the zip; its basename also finds companion files. */
  filename: archiveFileName,
  name: z.string().min(1),
  /** Visible when the package is first loaded. */
  active: z.boolean(),
  opacity: z.number().min(0).max(1).optional(),
  /** Takes part in place lookup (section 3); needs `<basename>.geojson` and `<basename>.json`. */
  lookup: z.boolean().optional(),
  symbol: layerSymbolSchema.optional(),
});

export const layerEntrySchema = layerEntryObjectSchema;
export const layersFileSchema = z.array(layerEntrySchema);

export interface LayerEntryInput extends Omit<z.input<typeof layerEntryObjectSchema>, 'symbol'> {
  symbol?: LayerSymbolInput;
}
export interface LayerEntry extends Omit<z.output<typeof layerEntryObjectSchema>, 'symbol'> {
  symbol?: LayerSymbol;
}
