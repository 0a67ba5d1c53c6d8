import { z } from 'zod';
import { organisationIdField, uuidField } from './common-fields';

/** Builds one offline package: the package record holds everything the build needs. */
export const buildPackagePayload = z.strictObject({
  organisationId: organisationIdField,
  jobRunId: uuidField,
  packageId: uuidField,
});

/** Deletes a package: its object, then its tile pins (collecting tiles no region or package uses). */
export const deletePackagePayload = z.strictObject({
  organisationId: organisationIdField,
  packageId: uuidField,
});

export type BuildPackagePayload = z.infer<typeof buildPackagePayload>;
export type DeletePackagePayload = z.infer<typeof deletePackagePayload>;

/**
 * Operators of a layer's feature filter, the idea of ArcGIS's definition expression as structured
 * conditions (all must hold) instead of an SQL string, so nothing is parsed and nothing can be injected.
 * Values are strings; a number or boolean property is compared as a number or boolean.
 */
export const PROPERTY_OPERATORS = [
  'equals',
  'not-equals',
  'in',
  'not-in',
  'less-than',
  'less-than-or-equal',
  'greater-than',
  'greater-than-or-equal',
  'contains',
  'exists',
  'not-exists',
] as const;
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];

const SINGLE_VALUE_OPERATORS: readonly PropertyOperator[] = [
  'equals',
  'not-equals',
  'less-than',
  'less-than-or-equal',
  'greater-than',
  'greater-than-or-equal',
  'contains',
];
const LIST_OPERATORS: readonly PropertyOperator[] = ['in', 'not-in'];

export const propertyConditionSchema = z
  .strictObject({
    property: z.string().min(1).max(200),
    operator: z.enum(PROPERTY_OPERATORS),
    value: z.string().max(1000).optional(),
    values: z.array(z.string().max(1000)).max(1000).optional(),
  })
  .superRefine((condition, context) => {
    const needsValue = SINGLE_VALUE_OPERATORS.includes(condition.operator);
    const needsValues = LIST_OPERATORS.includes(condition.operator);
    if (needsValue !== (condition.value !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: needsValue ? `is required by ${condition.operator}` : `is not used by ${condition.operator}`,
      });
    }
    if (needsValues !== (condition.values !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['values'],
        message: needsValues
          ? `is required by ${condition.operator}`
          : `is not used by ${condition.operator}`,
      });
    }
  });
export type PropertyCondition = z.infer<typeof propertyConditionSchema>;

/** Longest file base name a package uses (device file systems allow 255 bytes for the whole name). */
const MAX_FILE_BASE_NAME = 100;

/**
 * A file base name made from free text (a package or layer name): runs of anything but letters, digits,
 * `.`, `_` and `-` become `-`, so the name is safe in a zip and in an object key on every file system.
 */
export function packageFileSlug(text: string, fallback: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, MAX_FILE_BASE_NAME)
    .replace(/[-._]+$/g, '');
  return slug === '' ? fallback : slug;
}

/** Letters, digits, `.`, `_` and `-`: a basename that is safe in a zip on every device file system. */
export const packageFileBaseName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_" or "-"');

const jsonObject = z.record(z.string(), z.unknown());

/**
 * An extra GeoJSON layer of a CyberTracker/SMART zip (layers.json entry of section 1.2): given GeoJSON, or
 * the features of a sync layer (offline edit sync) as they are when the package is built. The GeoJSON and
 * the symbol are checked by the packager, layer by layer, so one bad layer can be reported (or skipped
 * with continueOnErrors) without failing the others.
 */
export const packageLayerRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    /** `<fileBaseName>.geojson` in the zip. */
    fileBaseName: packageFileBaseName,
    active: z.boolean(),
    opacity: z.number().min(0).max(1).optional(),
    /** Section 1.3 symbol, validated by the packager. */
    symbol: jsonObject.optional(),
    /** A GeoJSON FeatureCollection (RFC 7946). */
    geojson: jsonObject.optional(),
    /** A sync layer of the same organisation: its live (not deleted) features. */
    syncLayerId: uuidField.optional(),
    /** All must hold for a feature to be kept. */
    filter: z.array(propertyConditionSchema).max(50),
    /** Keep only what lies inside the package area (the union of its regions). */
    clipToArea: z.boolean(),
  })
  .refine((layer) => (layer.geojson === undefined) !== (layer.syncLayerId === undefined), {
    path: ['geojson'],
    message: 'give geojson or syncLayerId, not both',
  });
export type PackageLayerRequest = z.infer<typeof packageLayerRequestSchema>;

/** A place-lookup layer (section 3): `<fileBaseName>.geojson` polygons with featureId, `<fileBaseName>.json` content. */
export const packageLookupRequestSchema = z.strictObject({
  name: z.string().min(1).max(200),
  fileBaseName: packageFileBaseName,
  active: z.boolean(),
  geometry: jsonObject,
  content: jsonObject,
});
export type PackageLookupRequest = z.infer<typeof packageLookupRequestSchema>;

/**
 * What a build does beyond the tiles, stored with the package record (the job payload carries ids only).
 * Written by the gateway, read again by the packager.
 */
export const packageBuildRequestSchema = z.strictObject({
  /** Zips only: put the regions' tiles in as an MBTiles basemap layer. */
  includeBasemap: z.boolean(),
  /** Skip a layer that fails and report it, instead of failing the build. */
  continueOnErrors: z.boolean(),
  layers: z.array(packageLayerRequestSchema).max(50),
  lookups: z.array(packageLookupRequestSchema).max(20),
});
export type PackageBuildRequest = z.infer<typeof packageBuildRequestSchema>;
