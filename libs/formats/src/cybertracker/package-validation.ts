import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import { FormatError, FormatErrorCode } from '../format-error';
import { describeIssue } from '../validation-message';
import { archiveFileName, fileBaseName, fileExtension, RESERVED_FILE_NAMES } from './archive-file-name';
import { featureCollectionSchema, lookupFeatureCollectionSchema } from './geojson.schema';
import { layersFileSchema, type LayerEntry } from './layers-file.schema';
import { lookupContentSchema, referencedFeatureIds, type LookupContent } from './lookup-content.schema';
import type { CyberTrackerPackageInput } from './package-input';
import { packageManifestSchema, type PackageManifest } from './package-manifest.schema';
import { rewindGeometry } from './ring-winding';

/** One file as it goes into the zip. */
export interface ArchiveEntry {
  filename: string;
  source: { path: string } | { bytes: Buffer };
  /** Deflate it; tile containers and images are stored, their content being compressed already. */
  compress: boolean;
}

export interface ValidatedPackage {
  manifest: PackageManifest;
  layers?: LayerEntry[];
  /** package.json, layers.json (when layers were given), then the caller's files in their order. */
  entries: ArchiveEntry[];
  /** Legal but suspicious, e.g. content filtering on a featureId no lookup polygon carries. */
  warnings: string[];
}

/** Extensions whose content is already compressed; deflating them costs CPU for almost nothing. */
const STORED_EXTENSIONS = new Set([
  '.mbtiles',
  '.pmtiles',
  '.tpk',
  '.vtpk',
  '.tif',
  '.tiff',
  '.jpg',
  '.jpeg',
  '.jp2',
  '.png',
]);
/** A shapefile is unusable without its index and attribute table. */
const SHAPEFILE_COMPANIONS = ['.shx', '.dbf'];

/**
 * Checks every rule of sections 1-3 of the package format and returns the archive entries. All problems are
 * gathered and thrown together as one FormatError (code INVALID_PACKAGE), each naming its field.
 */
export async function validateCyberTrackerPackage(
  input: CyberTrackerPackageInput,
): Promise<ValidatedPackage> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const manifest = collect(packageManifestSchema, input.manifest, 'package', problems);
  const layers =
    input.layers === undefined ? undefined : collect(layersFileSchema, input.layers, 'layers', problems);

  const lookupBaseNames = new Set(
    (input.layers ?? [])
      .filter((layer) => layer?.lookup === true && typeof layer.filename === 'string')
      .map((layer) => fileBaseName(layer.filename)),
  );
  const entries: ArchiveEntry[] = [];
  const seenNames = new Map<string, number>();
  const lookupGeometryIds = new Map<string, Set<string>>();
  const lookupContents = new Map<string, LookupContent>();

  for (const [index, file] of input.files.entries()) {
    const field = `files[${index}]`;
    const nameResult = archiveFileName.safeParse(file.filename, { reportInput: true });
    if (!nameResult.success) {
      problems.push(...nameResult.error.issues.map((issue) => describeIssue(`${field}.filename`, issue)));
      continue;
    }
    const filename = nameResult.data;
    const folded = filename.toLowerCase();
    if ((RESERVED_FILE_NAMES as readonly string[]).includes(folded)) {
      problems.push(`${field}.filename ${filename} is written by the package writer itself`);
      continue;
    }
    const earlier = seenNames.get(folded);
    if (earlier !== undefined) {
      // Devices often have case-insensitive file systems, so Roads.shp and roads.shp would collide.
      problems.push(
        `${field}.filename ${filename} repeats files[${earlier}].filename (names are compared ignoring case)`,
      );
      continue;
    }
    seenNames.set(folded, index);
    const extension = fileExtension(filename);
    const baseName = fileBaseName(filename);

    switch (file.kind) {
      case 'disk': {
        const isFile = await stat(file.path).then(
          (stats) => stats.isFile(),
          () => false,
        );
        if (!isFile) problems.push(`${field}.path ${file.path} is not a readable file`);
        entries.push({ filename, source: { path: file.path }, compress: !STORED_EXTENSIONS.has(extension) });
        break;
      }
      case 'geojson': {
        if (extension !== '.geojson') problems.push(`${field}.filename must end in .geojson`);
        const isLookup = lookupBaseNames.has(baseName);
        const schema = isLookup ? lookupFeatureCollectionSchema : featureCollectionSchema;
        const collection = collect(schema, file.data, `${field}.data`, problems);
        if (collection === undefined) break;
        if (isLookup) {
          const ids = new Set(
            (collection.features as Array<{ properties: { featureId: string } }>).map(
              (feature) => feature.properties.featureId,
            ),
          );
          lookupGeometryIds.set(baseName, ids);
        }
        const rewound = {
          ...collection,
          features: collection.features.map((feature) =>
            feature.geometry === null ? feature : { ...feature, geometry: rewindGeometry(feature.geometry) },
          ),
        };
        entries.push({ filename, source: { bytes: Buffer.from(JSON.stringify(rewound)) }, compress: true });
        break;
      }
      case 'lookup-content': {
        if (extension !== '.json') problems.push(`${field}.filename must end in .json`);
        if (!lookupBaseNames.has(baseName)) {
          problems.push(
            `${field}.filename ${filename} is lookup content but no layer with lookup: true has basename ${baseName}`,
          );
        }
        const content = collect(lookupContentSchema, file.data, `${field}.data`, problems);
        if (content === undefined) break;
        lookupContents.set(baseName, content);
        entries.push({
          filename,
          source: { bytes: Buffer.from(JSON.stringify(content, null, 2)) },
          compress: true,
        });
        break;
      }
      case 'bytes':
        entries.push({ filename, source: { bytes: file.data }, compress: !STORED_EXTENSIONS.has(extension) });
        break;
    }
  }

  // Cross-file rules run on the raw entries too, so they are reported even when an entry has other faults.
  (input.layers ?? []).forEach((layer, index) => {
    if (typeof layer?.filename !== 'string') return;
    const field = `layers[${index}]`;
    const present = (name: string): boolean => seenNames.has(name.toLowerCase());
    if (!present(layer.filename))
      problems.push(`${field}.filename ${layer.filename} is not a file in the package`);
    const baseName = fileBaseName(layer.filename);
    if (fileExtension(layer.filename) === '.shp') {
      for (const companion of SHAPEFILE_COMPANIONS) {
        if (!present(baseName + companion))
          problems.push(`${field} shapefile needs ${baseName}${companion} in the package`);
      }
    }
    if (layer.lookup === true) {
      if (!present(`${baseName}.geojson`))
        problems.push(`${field} lookup layer needs ${baseName}.geojson (lookup geometry)`);
      if (!present(`${baseName}.json`))
        problems.push(`${field} lookup layer needs ${baseName}.json (lookup content)`);
      const geometryIds = lookupGeometryIds.get(baseName);
      const content = lookupContents.get(baseName);
      if (geometryIds && content) {
        for (const id of referencedFeatureIds(content)) {
          if (!geometryIds.has(id))
            warnings.push(
              `${baseName}.json filters on featureId ${id}, which no feature in ${baseName}.geojson has`,
            );
        }
      }
    }
  });

  if (problems.length > 0 || manifest === undefined) {
    throw new FormatError(FormatErrorCode.INVALID_PACKAGE, problems.join('; '), problems);
  }
  const jsonEntries: ArchiveEntry[] = [
    {
      filename: 'package.json',
      source: { bytes: Buffer.from(JSON.stringify(manifest, null, 2)) },
      compress: true,
    },
  ];
  if (layers !== undefined) {
    jsonEntries.push({
      filename: 'layers.json',
      source: { bytes: Buffer.from(JSON.stringify(layers, null, 2)) },
      compress: true,
    });
  }
  return { manifest, layers, entries: [...jsonEntries, ...entries], warnings };
}

function collect<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  root: string,
  problems: string[],
): z.output<Schema> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  problems.push(...result.error.issues.map((issue) => describeIssue(root, issue)));
  return undefined;
}
