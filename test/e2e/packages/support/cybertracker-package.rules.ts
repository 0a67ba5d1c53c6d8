// Every rule of sections 1-3 of the CyberTracker/SMART offline map package format (shared/reference/002),
// written from the document, independently of libs/formats: a list of violations, empty for a good zip.

export interface ZipEntryBytes {
  name: string;
  data: Buffer;
}

const MARKER_STYLES = ['circle', 'cross', 'diamond', 'square', 'triangle', 'x'];
const STROKE_STYLES = ['solid', 'dash', 'dashdot', 'dashdotdot', 'dot'];
const FILL_STYLES = [
  'none',
  'solid',
  'horizontal',
  'vertical',
  'forwardDiagonal',
  'backwardDiagonal',
  'cross',
  'diagonalCross',
];
const BLOCK_TYPES = ['body', 'attributes', 'web', 'image', 'link', 'notice'];
const NOTICE_TONES = ['note', 'important', 'caution', 'restriction'];
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** Section 2: versions compare as strings; ISO-style dates or zero-padded numbers order correctly. */
const ORDERED_VERSION = /^(\d{4}\.\d{2}\.\d{2}(\.\d{3})?|\d{6}(\.\d{6}){0,3})$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const baseName = (file: string): string => (file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file);

export function packageRuleViolations(entries: readonly ZipEntryBytes[]): string[] {
  const problems: string[] = [];
  const names = entries.map((entry) => entry.name);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const present = (name: string): boolean =>
    names.some((entry) => entry.toLowerCase() === name.toLowerCase());

  // 1. Every file at the archive root, no enclosing directory.
  for (const name of names) {
    if (name.includes('/') || name.includes('\\')) problems.push(`1: ${name} is not at the archive root`);
  }
  // 1.1 Shapefile companions share the basename at the root.
  for (const name of names.filter((entry) => entry.toLowerCase().endsWith('.shp'))) {
    for (const companion of ['.shx', '.dbf']) {
      if (!present(baseName(name) + companion))
        problems.push(`1.1: ${name} has no ${baseName(name)}${companion}`);
    }
  }

  // 1.2 layers.json: a top-level array of layer objects.
  const layers = parseJson(byName.get('layers.json'), 'layers.json', problems);
  const lookupBases: string[] = [];
  if (layers !== undefined) {
    if (!Array.isArray(layers)) problems.push('1.2: layers.json is not a JSON array');
    else {
      layers.forEach((layer: unknown, index) => {
        const where = `1.2: layers.json[${index}]`;
        if (!isObject(layer)) return problems.push(`${where} is not an object`);
        if (typeof layer.filename !== 'string' || !present(layer.filename)) {
          problems.push(`${where}.filename ${String(layer.filename)} is not a file in the zip`);
        }
        if (typeof layer.name !== 'string') problems.push(`${where}.name is not a string`);
        if (typeof layer.active !== 'boolean') problems.push(`${where}.active is not a boolean`);
        if (
          layer.opacity !== undefined &&
          !(typeof layer.opacity === 'number' && layer.opacity >= 0 && layer.opacity <= 1)
        ) {
          problems.push(`${where}.opacity is not a number from 0.0 to 1.0`);
        }
        if (layer.lookup !== undefined && typeof layer.lookup !== 'boolean')
          problems.push(`${where}.lookup is not a boolean`);
        if (layer.symbol !== undefined)
          problems.push(...symbolViolations(layer.symbol, `1.3: layers.json[${index}].symbol`));
        if (layer.lookup === true && typeof layer.filename === 'string')
          lookupBases.push(baseName(layer.filename));
        return undefined;
      });
    }
  }

  // 2. package.json identifies the package.
  const manifest = parseJson(byName.get('package.json'), 'package.json', problems);
  if (manifest !== undefined) {
    if (!isObject(manifest)) problems.push('2: package.json is not an object');
    else {
      if (typeof manifest.id !== 'string' || manifest.id.length === 0)
        problems.push('2: package.json id is not a non-empty string');
      for (const field of ['name', 'version', 'language']) {
        if (manifest[field] !== undefined && typeof manifest[field] !== 'string')
          problems.push(`2: package.json ${field} is not a string`);
      }
      if (typeof manifest.version === 'string' && !ORDERED_VERSION.test(manifest.version)) {
        problems.push(`2: version ${manifest.version} does not compare correctly as a string`);
      }
    }
  }

  // 3. Place lookup: <basename>.geojson polygons with featureId, <basename>.json content.
  for (const base of lookupBases) {
    const geometry = parseJson(byName.get(`${base}.geojson`), `${base}.geojson`, problems);
    if (geometry === undefined) problems.push(`3: lookup layer ${base} has no ${base}.geojson`);
    else problems.push(...lookupGeometryViolations(geometry, `3: ${base}.geojson`));
    const content = parseJson(byName.get(`${base}.json`), `${base}.json`, problems);
    if (content === undefined) problems.push(`3: lookup layer ${base} has no ${base}.json`);
    else problems.push(...lookupContentViolations(content, `3: ${base}.json`));
  }
  return problems;
}

function parseJson(entry: ZipEntryBytes | undefined, label: string, problems: string[]): unknown {
  if (!entry) return undefined;
  try {
    return JSON.parse(entry.data.toString('utf8')) as unknown;
  } catch {
    problems.push(`${label} is not JSON`);
    return undefined;
  }
}

function symbolViolations(symbol: unknown, where: string): string[] {
  if (!isObject(symbol)) return [`${where} is not an object`];
  const problems: string[] = [];
  const number = (key: string): void => {
    if (symbol[key] !== undefined && typeof symbol[key] !== 'number')
      problems.push(`${where}.${key} is not a number`);
  };
  const colour = (key: string): void => {
    if (symbol[key] !== undefined && !(typeof symbol[key] === 'string' && HEX_COLOUR.test(symbol[key]))) {
      problems.push(`${where}.${key} is not a #rrggbb colour`);
    }
  };
  if ('marker-style' in symbol) {
    if (!MARKER_STYLES.includes(String(symbol['marker-style'])))
      problems.push(`${where}.marker-style is not a marker style`);
    number('marker-size');
    colour('marker-color');
    colour('outline-color');
  } else if ('stroke-style' in symbol) {
    if (!STROKE_STYLES.includes(String(symbol['stroke-style'])))
      problems.push(`${where}.stroke-style is not a stroke style`);
    number('stroke-size');
    colour('stroke-color');
  } else if ('fill-style' in symbol) {
    if (!FILL_STYLES.includes(String(symbol['fill-style'])))
      problems.push(`${where}.fill-style is not a fill style`);
    colour('fill-color');
    if (symbol['outline-symbol'] !== undefined) {
      if (!isObject(symbol['outline-symbol']) || !('stroke-style' in symbol['outline-symbol'])) {
        problems.push(`${where}.outline-symbol is not a line symbol`);
      } else problems.push(...symbolViolations(symbol['outline-symbol'], `${where}.outline-symbol`));
    }
  } else problems.push(`${where} is neither a point, a line nor an area symbol`);
  return problems;
}

function lookupGeometryViolations(geometry: unknown, where: string): string[] {
  if (!isObject(geometry) || geometry.type !== 'FeatureCollection' || !Array.isArray(geometry.features)) {
    return [`${where} is not a GeoJSON FeatureCollection`];
  }
  const problems: string[] = [];
  geometry.features.forEach((feature: unknown, index) => {
    if (!isObject(feature) || !isObject(feature.geometry) || !isObject(feature.properties)) {
      problems.push(`${where} feature ${index} lacks geometry or properties`);
      return;
    }
    if (feature.geometry.type !== 'Polygon' && feature.geometry.type !== 'MultiPolygon') {
      problems.push(
        `${where} feature ${index} is a ${String(feature.geometry.type)}, not a polygon or multipolygon`,
      );
    }
    if (typeof feature.properties.featureId !== 'string')
      problems.push(`${where} feature ${index} has no string featureId`);
  });
  return problems;
}

function lookupContentViolations(document: unknown, where: string): string[] {
  if (!isObject(document)) return [`${where} is not an object`];
  const problems: string[] = [];
  const content = document.content;
  if (!isObject(content) || typeof content.id !== 'string' || typeof content.language !== 'string') {
    problems.push(`${where} content needs string id and language`);
  } else if (content.defaultLocale !== undefined && typeof content.defaultLocale !== 'string') {
    problems.push(`${where} content.defaultLocale is not a string`);
  }
  if (!Array.isArray(document.datasets)) return [...problems, `${where} datasets is not an array`];
  document.datasets.forEach((dataset: unknown, index) => {
    const at = `${where} datasets[${index}]`;
    if (!isObject(dataset)) return problems.push(`${at} is not an object`);
    if (typeof dataset.id !== 'string') problems.push(`${at}.id is not a string`);
    problems.push(...filterViolations(dataset.filter, `${at}.filter`, true));
    if (!Array.isArray(dataset.rows) || dataset.rows.length === 0)
      return problems.push(`${at}.rows is not a non-empty array`);
    dataset.rows.forEach((row: unknown, rowIndex) => {
      const rowAt = `${at}.rows[${rowIndex}]`;
      if (!isObject(row)) return problems.push(`${rowAt} is not an object`);
      if (
        !Array.isArray(row.path) ||
        row.path.length === 0 ||
        row.path.some((part) => typeof part !== 'string')
      ) {
        problems.push(`${rowAt}.path is not a non-empty array of strings`);
      }
      if (row.filter !== undefined) problems.push(...filterViolations(row.filter, `${rowAt}.filter`, false));
      problems.push(...viewViolations(row.view, `${rowAt}.view`));
      return undefined;
    });
    return undefined;
  });
  return problems;
}

function filterViolations(filter: unknown, where: string, required: boolean): string[] {
  if (filter === undefined) return required ? [`${where} is missing`] : [];
  if (!isObject(filter)) return [`${where} is not an object`];
  const problems: string[] = [];
  if (!Array.isArray(filter.featureIds) || filter.featureIds.some((id) => typeof id !== 'string')) {
    problems.push(`${where}.featureIds is not an array of strings`);
  }
  if (filter.when !== undefined) {
    const when = filter.when;
    if (!isObject(when) || typeof when.start !== 'string' || typeof when.end !== 'string') {
      problems.push(`${where}.when needs start and end`);
    } else if (!RFC_3339.test(when.start) || !RFC_3339.test(when.end)) {
      problems.push(`${where}.when start and end must be RFC 3339 date-times`);
    }
  }
  return problems;
}

function viewViolations(view: unknown, where: string): string[] {
  if (!isObject(view)) return [`${where} is not an object`];
  const problems: string[] = [];
  if (typeof view.title !== 'string') problems.push(`${where}.title is not a string`);
  for (const field of ['subtitle', 'name']) {
    if (view[field] !== undefined && typeof view[field] !== 'string')
      problems.push(`${where}.${field} is not a string`);
  }
  if (!Array.isArray(view.blocks) || view.blocks.length === 0)
    return [...problems, `${where}.blocks is not a non-empty array`];
  view.blocks.forEach((block: unknown, index) => {
    const at = `${where}.blocks[${index}]`;
    if (!isObject(block) || typeof block.type !== 'string') return problems.push(`${at} has no type`);
    // Unknown block types are skipped by consumers; only known ones have rules.
    if (!BLOCK_TYPES.includes(block.type)) return undefined;
    if (block.label !== undefined && typeof block.label !== 'string')
      problems.push(`${at}.label is not a string`);
    if (block.type === 'attributes') {
      if (typeof block.label !== 'string') problems.push(`${at} (attributes) needs a label`);
      if (!Array.isArray(block.items)) problems.push(`${at}.items is not an array`);
    }
    if (block.type === 'notice' && !NOTICE_TONES.includes(String(block.tone)))
      problems.push(`${at}.tone is not a notice tone`);
    return undefined;
  });
  return problems;
}
