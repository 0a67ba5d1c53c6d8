import type { Geometry } from 'geojson';
import type { PackageLayerRequest, PackageLookupRequest } from '@map-offline/contracts';
import type { OfflinePackageLayerError } from '@map-offline/entities';
import {
  describeIssue,
  featureCollectionSchema,
  layerSymbolSchema,
  lookupContentSchema,
  lookupFeatureCollectionSchema,
  lookupLayerFiles,
  type FeatureCollection,
  type LayerEntryInput,
  type PackageFile,
} from '@map-offline/formats';
import type { z } from 'zod';
import { AreaClipper, UnclippableGeometryError } from './area-clipper.port';
import { SyncLayerMissingError, SyncLayerSource } from './sync-layer.source';
import { matchesPropertyFilter } from './property-filter';

type Feature = FeatureCollection['features'][number];

/** Problems listed per layer; more are summarised as a count. */
const MAX_PROBLEMS_PER_LAYER = 5;

/** The zip files and layers.json entries of the layers that could be prepared, and why others could not. */
export interface PreparedLayers {
  files: PackageFile[];
  entries: LayerEntryInput[];
  errors: OfflinePackageLayerError[];
  /** features kept per layer name, after filter and clipping */
  featureCounts: Record<string, number>;
}

/** A layer that cannot go into the package; the message names the field and what is wrong. */
export class LayerPreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerPreparationError';
  }
}

/** What layer preparation works with besides the layers themselves. */
export interface LayerPreparationContext {
  organisationId: string;
  clipper: AreaClipper;
  /** the package's regions: their union is the area layers are clipped to (none: no clipping) */
  regionIds: readonly string[];
  syncLayers: SyncLayerSource;
  /** file names already in the zip (the basemap) */
  takenNames: readonly string[];
}

/**
 * Turns the requested GeoJSON and place-lookup layers into zip files, layer by layer: read (given GeoJSON,
 * or a sync layer's live features), validate (RFC 7946, section 1.3 symbols, section 3 lookup geometry and
 * content), filter features by properties, clip to the package area. A layer that fails becomes an error
 * entry and is left out; the caller decides whether errors fail the build (continueOnErrors).
 */
export async function prepareLayers(
  layers: readonly PackageLayerRequest[],
  lookups: readonly PackageLookupRequest[],
  context: LayerPreparationContext,
): Promise<PreparedLayers> {
  const prepared: PreparedLayers = { files: [], entries: [], errors: [], featureCounts: {} };
  const usedNames = new Set(context.takenNames.map((name) => name.toLowerCase()));
  const claim = (fileNames: string[]): void => {
    for (const fileName of fileNames) {
      if (usedNames.has(fileName.toLowerCase())) {
        throw new LayerPreparationError(
          `file name ${fileName} is already used in the package (names ignore case)`,
        );
      }
    }
    for (const fileName of fileNames) usedNames.add(fileName.toLowerCase());
  };

  for (const layer of layers) {
    try {
      const fileName = `${layer.fileBaseName}.geojson`;
      const symbol =
        layer.symbol === undefined ? undefined : parseOrThrow(layerSymbolSchema, layer.symbol, 'symbol');
      const source =
        layer.syncLayerId !== undefined
          ? await context.syncLayers.featureCollection(context.organisationId, layer.syncLayerId)
          : layer.geojson;
      const collection = parseOrThrow(featureCollectionSchema, source, 'geojson');
      const filtered = collection.features.filter((feature) =>
        matchesPropertyFilter(feature.properties, layer.filter),
      );
      const features =
        layer.clipToArea && context.regionIds.length > 0
          ? await clipFeatures(filtered, context.clipper, context.regionIds)
          : filtered;
      claim([fileName]);
      prepared.files.push({ kind: 'geojson', filename: fileName, data: { ...collection, features } });
      prepared.entries.push({
        filename: fileName,
        name: layer.name,
        active: layer.active,
        ...(layer.opacity !== undefined ? { opacity: layer.opacity } : {}),
        ...(symbol !== undefined ? { symbol } : {}),
      });
      prepared.featureCounts[layer.name] = features.length;
    } catch (error) {
      prepared.errors.push({ layer: layer.name, kind: 'layer', message: messageOf(error) });
    }
  }

  for (const lookup of lookups) {
    try {
      const geometry = parseOrThrow(lookupFeatureCollectionSchema, lookup.geometry, 'geometry');
      const content = parseOrThrow(lookupContentSchema, lookup.content, 'content');
      const files = lookupLayerFiles(lookup.fileBaseName, geometry, content);
      claim(files.map((file) => file.filename));
      prepared.files.push(...files);
      // The lookup geometry is the primary file; section 3 says a GeoJSON primary is not drawn.
      prepared.entries.push({
        filename: `${lookup.fileBaseName}.geojson`,
        name: lookup.name,
        active: lookup.active,
        lookup: true,
      });
      prepared.featureCounts[lookup.name] = geometry.features.length;
    } catch (error) {
      prepared.errors.push({ layer: lookup.name, kind: 'lookup', message: messageOf(error) });
    }
  }
  return prepared;
}

async function clipFeatures(
  features: Feature[],
  clipper: AreaClipper,
  regionIds: readonly string[],
): Promise<Feature[]> {
  const locatedIndexes = features.flatMap((feature, index) => (feature.geometry === null ? [] : [index]));
  // The formats schema checked these are RFC 7946 geometries, which is what the GeoJSON types describe.
  const outcomes = await clipper.clip(
    regionIds,
    locatedIndexes.map((index) => features[index].geometry as Geometry),
  );
  const outcomeOf = new Map(
    locatedIndexes.map((featureIndex, position) => [featureIndex, outcomes[position]]),
  );
  const kept: Feature[] = [];
  features.forEach((feature, index) => {
    const outcome = outcomeOf.get(index);
    // A feature without geometry has no place to be outside of: it stays.
    if (outcome === undefined || outcome.kind === 'inside') kept.push(feature);
    // PostGIS writes RFC 7946 GeoJSON, the shape the formats schema describes.
    else if (outcome.kind === 'clipped')
      kept.push({ ...feature, geometry: outcome.geometry as Feature['geometry'] });
  });
  return kept;
}

function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  root: string,
): z.output<Schema> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(root, issue));
  const shown = problems.slice(0, MAX_PROBLEMS_PER_LAYER);
  const more = problems.length - shown.length;
  throw new LayerPreparationError(`${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
}

/** A layer's own fault becomes its error entry; anything else (database down) fails the build. */
function messageOf(error: unknown): string {
  if (
    error instanceof LayerPreparationError ||
    error instanceof UnclippableGeometryError ||
    error instanceof SyncLayerMissingError
  ) {
    return error.message;
  }
  throw error;
}
