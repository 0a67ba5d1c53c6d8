import { z } from 'zod';
import { languageTag, nonEmptyString, rfc3339DateTime, webUrl } from './common-fields.schema';

/** Text formats a body (and an attribute value) may declare; left out (or empty) for plain text. */
export const TEXT_FORMATS = ['text', 'html', 'markdown'] as const;
export const NOTICE_TONES = ['note', 'important', 'caution', 'restriction'] as const;
export const WEB_ORIENTATIONS = ['portrait', 'landscape'] as const;

const textFormat = z.enum([...TEXT_FORMATS, '']).optional();
const optionalLabel = z.string().optional();

const bodyBlock = z.strictObject({
  type: z.literal('body'),
  label: optionalLabel,
  format: textFormat,
  value: z.string(),
});

const attributesBlock = z.strictObject({
  type: z.literal('attributes'),
  /** Required for attributes blocks only. */
  label: nonEmptyString,
  items: z.array(z.strictObject({ label: nonEmptyString, format: textFormat, value: z.string() })).min(1),
});

/**
 * The section 3 block table says the runtime substitutes `<latitude>`/`<longitude>` in `value`; its web
 * block sample puts the address in `url` while the weather sample uses `value`. Both keys are accepted and
 * at least one is required (see the report's open questions).
 */
const webBlock = z
  .strictObject({
    type: z.literal('web'),
    label: optionalLabel,
    url: webUrl.optional(),
    value: webUrl.optional(),
    orientation: z.enum(WEB_ORIENTATIONS).optional(),
  })
  .refine((block) => block.url !== undefined || block.value !== undefined, {
    error: 'needs the address in value (or url)',
  });

const imageBlock = z.strictObject({ type: z.literal('image'), label: optionalLabel, source: webUrl });

const linkBlock = z.strictObject({
  type: z.literal('link'),
  label: optionalLabel,
  url: webUrl,
  text: nonEmptyString,
});

const noticeBlock = z.strictObject({
  type: z.literal('notice'),
  label: optionalLabel,
  tone: z.enum(NOTICE_TONES),
  text: nonEmptyString,
});

/** The six block types of section 3. A writer emits only these; readers skip unknown ones. */
export const lookupBlockSchema = z.discriminatedUnion('type', [
  bodyBlock,
  attributesBlock,
  webBlock,
  imageBlock,
  linkBlock,
  noticeBlock,
]);

export const lookupViewSchema = z.strictObject({
  title: nonEmptyString,
  subtitle: z.string().optional(),
  name: z.string().optional(),
  blocks: z.array(lookupBlockSchema).min(1),
});

/** Section 3.2: both ends required, RFC 3339, and the window must not end before it starts. */
export const timeWindowSchema = z
  .strictObject({ start: rfc3339DateTime, end: rfc3339DateTime })
  .refine((window) => Date.parse(window.start) <= Date.parse(window.end), {
    error: 'must not be before start',
    path: ['end'],
  });

/** Section 3.1: feature ids to match (any match applies; `*` matches every selected feature). */
export const lookupFilterSchema = z.strictObject({
  featureIds: z.array(nonEmptyString).min(1),
  when: timeWindowSchema.optional(),
});

export const lookupRowSchema = z.strictObject({
  /** Browse path, parent to child. */
  path: z.array(nonEmptyString).min(1),
  view: lookupViewSchema,
  filter: lookupFilterSchema.optional(),
});

export const lookupDatasetSchema = z.strictObject({
  id: nonEmptyString,
  filter: lookupFilterSchema,
  rows: z.array(lookupRowSchema).min(1),
});

/** `<basename>.json`, the renderable content of a lookup layer. */
export const lookupContentSchema = z.strictObject({
  content: z.strictObject({
    id: nonEmptyString,
    language: languageTag,
    defaultLocale: languageTag.optional(),
  }),
  datasets: z.array(lookupDatasetSchema),
});

export type LookupContentInput = z.input<typeof lookupContentSchema>;
export type LookupContent = z.output<typeof lookupContentSchema>;
export type LookupBlock = z.output<typeof lookupBlockSchema>;

/** Every feature id a content file refers to (without the `*` wildcard), for cross-checking the geometry. */
export function referencedFeatureIds(content: LookupContent): Set<string> {
  const ids = new Set<string>();
  for (const dataset of content.datasets) {
    for (const id of dataset.filter.featureIds) ids.add(id);
    for (const row of dataset.rows) for (const id of row.filter?.featureIds ?? []) ids.add(id);
  }
  ids.delete('*');
  return ids;
}
