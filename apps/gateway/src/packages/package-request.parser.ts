import {
  describeIssues,
  invalidInput,
  packageBuildRequestSchema,
  packageFileSlug,
  type PackageBuildRequest,
} from '@map-offline/contracts';
import type { OfflinePackageFormat } from '@map-offline/entities';
import {
  datePackageVersion,
  FormatError,
  normalisePackageVersion,
  packageManifestSchema,
} from '@map-offline/formats';
import { BuildPackageInput, PackageAreaInput } from './build-package.input';

/** Regions one package may combine. */
export const MAX_PACKAGE_REGIONS = 100;

const FILE_EXTENSIONS: Record<OfflinePackageFormat, string> = {
  mbtiles: 'mbtiles',
  pmtiles: 'pmtiles',
  'cybertracker-zip': 'zip',
};

/** A build request checked and completed with defaults, ready to record. */
export interface ParsedPackageRequest {
  name: string;
  format: OfflinePackageFormat;
  packageIdentifier: string;
  version: string;
  language: string | null;
  fileName: string;
  /** exactly one of regionIds and area, except for a zip of layers only (neither) */
  regionIds: string[];
  area?: PackageAreaInput;
  request: PackageBuildRequest;
}

/**
 * Checks a buildPackage input and fills in the defaults: package id `<organisation>.<name>`, today's date
 * version, file base names made from layer names. Layer contents (GeoJSON, symbols, lookup content) are
 * checked by the packager, layer by layer, so continueOnErrors can report each.
 */
export function parsePackageRequest(
  input: BuildPackageInput,
  organisationId: string,
  now: Date,
): ParsedPackageRequest {
  const format = input.format as string as OfflinePackageFormat;
  const isZip = format === 'cybertracker-zip';
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw invalidInput('input.name', 'must be 1 to 200 characters');

  const regionIds = [...new Set(input.regionIds ?? [])];
  const hasRegions = regionIds.length > 0;
  const hasArea = input.area !== undefined && input.area !== null;
  if (hasRegions && hasArea) throw invalidInput('input.area', 'give regionIds or area, not both');
  if (regionIds.length > MAX_PACKAGE_REGIONS) {
    throw invalidInput('input.regionIds', `at most ${MAX_PACKAGE_REGIONS} regions per package`);
  }
  const needsTiles = !isZip || input.includeBasemap;
  if (needsTiles && !hasRegions && !hasArea) {
    throw invalidInput('input.regionIds', 'give the cache regions (or an area to cache) the tiles come from');
  }
  if (!isZip) {
    if (!input.includeBasemap)
      throw invalidInput('input.includeBasemap', 'only a CYBERTRACKER_ZIP can leave the tiles out');
    if (input.layers.length > 0)
      throw invalidInput('input.layers', 'only CYBERTRACKER_ZIP packages carry layers');
    if (input.lookups.length > 0)
      throw invalidInput('input.lookups', 'only CYBERTRACKER_ZIP packages carry lookups');
  }
  if (isZip && !input.includeBasemap && input.layers.length === 0 && input.lookups.length === 0) {
    throw invalidInput('input.layers', 'a zip without a basemap needs at least one layer or lookup');
  }

  const packageIdentifier =
    input.packageId?.trim() || `${organisationId}.${packageFileSlug(name, 'package')}`;
  const version = parseVersion(input.version, now);
  const manifest = packageManifestSchema.safeParse({
    id: packageIdentifier,
    name,
    version,
    ...(input.language ? { language: input.language } : {}),
  });
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    const field = issue.path[0] === 'id' ? 'packageId' : String(issue.path[0] ?? 'input');
    throw invalidInput(`input.${field}`, issue.message);
  }
  if (packageIdentifier.length > 200) throw invalidInput('input.packageId', 'must be at most 200 characters');

  const request = packageBuildRequestSchema.safeParse({
    includeBasemap: input.includeBasemap,
    continueOnErrors: input.continueOnErrors,
    layers: input.layers.map((layer, index) => ({
      name: layer.name,
      fileBaseName: layer.fileName ?? packageFileSlug(layer.name, `layer-${index + 1}`),
      active: layer.active,
      ...(layer.opacity !== undefined && layer.opacity !== null ? { opacity: layer.opacity } : {}),
      ...(layer.symbol ? { symbol: layer.symbol } : {}),
      ...(layer.geojson ? { geojson: layer.geojson } : {}),
      ...(layer.syncLayerId ? { syncLayerId: layer.syncLayerId } : {}),
      filter: layer.filter.map((condition) => ({
        property: condition.property,
        operator: condition.operator,
        ...(condition.value !== undefined && condition.value !== null ? { value: condition.value } : {}),
        ...(condition.values !== undefined && condition.values !== null ? { values: condition.values } : {}),
      })),
      clipToArea: layer.clipToArea,
    })),
    lookups: input.lookups.map((lookup, index) => ({
      name: lookup.name,
      fileBaseName: lookup.fileName ?? packageFileSlug(lookup.name, `lookup-${index + 1}`),
      active: lookup.active,
      geometry: lookup.geometry,
      content: lookup.content,
    })),
  });
  if (!request.success) {
    const [first] = describeIssues(request.error);
    throw invalidInput(
      `input.${String(request.error.issues[0].path.join('.'))}`,
      first.replace(/^[^:]*: /, ''),
    );
  }

  return {
    name,
    format,
    packageIdentifier,
    version,
    language: input.language ?? null,
    fileName: `${packageFileSlug(packageIdentifier, 'package')}-${version}.${FILE_EXTENSIONS[format]}`,
    regionIds,
    ...(hasArea ? { area: input.area } : {}),
    request: request.data,
  };
}

function parseVersion(version: string | undefined, now: Date): string {
  if (version === undefined || version === null || version.trim() === '') return datePackageVersion(now);
  try {
    return normalisePackageVersion(version.trim());
  } catch (error) {
    if (error instanceof FormatError) throw invalidInput('input.version', error.message);
    throw error;
  }
}
