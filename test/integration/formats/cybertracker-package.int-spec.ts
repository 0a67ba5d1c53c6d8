import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  comparePackageVersions,
  datePackageVersion,
  FILL_STYLES,
  FormatErrorCode,
  layersFileSchema,
  lookupContentSchema,
  lookupFeatureCollectionSchema,
  lookupLayerFiles,
  MARKER_STYLES,
  MbtilesReader,
  packageManifestSchema,
  STROKE_STYLES,
  syntheticPackageTiles,
  writeCyberTrackerPackage,
  writeMbtiles,
  type CyberTrackerPackageInput,
  type LookupContentInput,
} from '@map-offline/formats';
import { makeTemporaryDirectory, removeDirectory } from './support/format-test-files';
import { readZipEntries, type ZipEntryContent } from './support/zip-reader';

const lookupContent: LookupContentInput = {
  content: { id: 'weather-en', language: 'en', defaultLocale: 'en-US' },
  datasets: [
    {
      id: 'world-weather',
      filter: { featureIds: ['world'] },
      rows: [
        {
          path: ['Weather'],
          view: {
            title: 'Local weather',
            subtitle: 'wttr.in',
            blocks: [
              {
                type: 'notice',
                label: 'Note',
                tone: 'note',
                text: 'Open the embedded view for live conditions.',
              },
              { type: 'web', value: 'https://wttr.in/<latitude>,<longitude>?0', orientation: 'portrait' },
            ],
          },
        },
      ],
    },
    {
      id: 'northern-spring',
      filter: {
        featureIds: ['hemisphere:north', '*'],
        when: { start: '2026-03-01T00:00:00Z', end: '2026-05-31T23:59:59+08:00' },
      },
      rows: [
        {
          path: ['Northern Hemisphere', 'Spring'],
          view: {
            title: 'Spring in the Northern Hemisphere',
            name: 'Spring',
            blocks: [
              { type: 'body', label: 'Description', format: 'text', value: 'Days lengthen.' },
              {
                type: 'attributes',
                label: 'Penalties',
                items: [{ label: 'Fine Min', format: 'text', value: '900000' }],
              },
              { type: 'image', label: 'Photo', source: 'https://example.org/image.jpg' },
              {
                type: 'link',
                label: 'Reference',
                url: 'https://example.org/regulation',
                text: 'View full regulation',
              },
            ],
          },
          filter: { featureIds: ['hemisphere:north'] },
        },
      ],
    },
  ],
};

/** A clockwise exterior ring (against RFC 7946); the writer must rewind it counterclockwise. */
const clockwiseWorld = [
  [-180, -90],
  [-180, 90],
  [180, 90],
  [180, -90],
  [-180, -90],
];

describe('writeCyberTrackerPackage', () => {
  let directory: string;
  let basemapPath: string;
  let entries: ZipEntryContent[];
  let input: CyberTrackerPackageInput;

  beforeAll(async () => {
    directory = await makeTemporaryDirectory('cybertracker');
    basemapPath = join(directory, 'basemap-source.mbtiles');
    await writeMbtiles(basemapPath, syntheticPackageTiles({ format: 'png', minZoom: 0, maxZoom: 3 }), {
      name: 'Gabon',
      format: 'png',
      bounds: [-180, -85.0511287798066, 180, 85.0511287798066],
      minZoom: 0,
      maxZoom: 3,
    });
    input = {
      manifest: {
        id: 'org.example.gabon',
        name: 'Gabon field maps',
        version: datePackageVersion(new Date('2026-04-21T10:00:00Z')),
        language: 'en',
      },
      layers: [
        { filename: 'Gabon.mbtiles', name: 'Gabon', active: true, opacity: 1 },
        {
          filename: 'Country.shp',
          name: 'World countries',
          active: true,
          opacity: 0.5,
          symbol: {
            'fill-style': 'solid',
            'fill-color': '#FF00FF',
            'outline-symbol': { 'stroke-style': 'dashdot', 'stroke-size': 1, 'stroke-color': '#ffff00' },
          },
        },
        {
          filename: 'roads.geojson',
          name: 'Roads',
          active: false,
          symbol: { 'stroke-style': 'dash', 'stroke-size': 4.4, 'stroke-color': '#ffff00' },
        },
        {
          filename: 'wells.geojson',
          name: 'Wells',
          active: true,
          symbol: {
            'marker-style': 'triangle',
            'marker-size': 5.5,
            'marker-color': '#ffff00',
            'outline-color': '#ff0000',
          },
        },
        { filename: 'weather.geojson', name: 'Weather', active: true, lookup: true },
      ],
      files: [
        { kind: 'disk', filename: 'Gabon.mbtiles', path: basemapPath },
        { kind: 'bytes', filename: 'Country.shp', data: Buffer.from('shp') },
        { kind: 'bytes', filename: 'Country.shx', data: Buffer.from('shx') },
        { kind: 'bytes', filename: 'Country.dbf', data: Buffer.from('dbf') },
        {
          kind: 'geojson',
          filename: 'roads.geojson',
          data: {
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { name: 'N1' },
                geometry: {
                  type: 'LineString',
                  coordinates: [
                    [9.4, 0.4],
                    [10, 0.5],
                  ],
                },
              },
            ],
          },
        },
        {
          kind: 'geojson',
          filename: 'wells.geojson',
          data: {
            type: 'FeatureCollection',
            features: [
              { type: 'Feature', properties: null, geometry: { type: 'Point', coordinates: [9.45, 0.39] } },
            ],
          },
        },
        ...lookupLayerFiles(
          'weather',
          {
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { featureId: 'world', name: 'World' },
                geometry: { type: 'Polygon', coordinates: [clockwiseWorld] },
              },
            ],
          },
          lookupContent,
        ),
      ],
    };
    const path = join(directory, 'package.zip');
    const result = await writeCyberTrackerPackage(path, input, {
      modifiedAt: new Date('2026-04-21T10:00:00Z'),
    });
    expect(result.warnings).toEqual([
      'weather.json filters on featureId hemisphere:north, which no feature in weather.geojson has',
    ]);
    entries = await readZipEntries(path);
  });

  afterAll(async () => {
    await removeDirectory(directory);
  });

  const entry = (name: string): ZipEntryContent => {
    const found = entries.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`${name} is not in the zip`);
    return found;
  };
  const json = (name: string): unknown => JSON.parse(entry(name).data.toString('utf8'));

  it('puts every file at the archive root, with no directory entries', () => {
    expect(entries.map((item) => item.name)).toEqual([
      'package.json',
      'layers.json',
      'Gabon.mbtiles',
      'Country.shp',
      'Country.shx',
      'Country.dbf',
      'roads.geojson',
      'wells.geojson',
      'weather.geojson',
      'weather.json',
    ]);
    for (const item of entries) expect(item.name).not.toMatch(/[/\\]/);
  });

  it('writes package.json with id, name, version and language', () => {
    const manifest = json('package.json');
    expect(manifest).toEqual({
      id: 'org.example.gabon',
      name: 'Gabon field maps',
      version: '2026.04.21',
      language: 'en',
    });
    expect(packageManifestSchema.safeParse(manifest).success).toBe(true);
  });

  it('writes layers.json entries whose files are in the zip and whose symbols use the section 1.3 enums', () => {
    const layers = json('layers.json') as Array<Record<string, unknown>>;
    expect(layersFileSchema.safeParse(layers).success).toBe(true);
    for (const layer of layers) {
      expect(
        Object.keys(layer).every((key) =>
          ['filename', 'name', 'active', 'opacity', 'lookup', 'symbol'].includes(key),
        ),
      ).toBe(true);
      expect(typeof layer.filename).toBe('string');
      expect(typeof layer.name).toBe('string');
      expect(typeof layer.active).toBe('boolean');
      expect(entries.some((item) => item.name === layer.filename)).toBe(true);
    }
    const symbols = layers.map((layer) => layer.symbol as Record<string, unknown> | undefined);
    expect(FILL_STYLES).toContain(symbols[1]?.['fill-style']);
    expect(symbols[1]).toEqual({
      'fill-style': 'solid',
      'fill-color': '#ff00ff',
      'outline-symbol': { 'stroke-style': 'dashdot', 'stroke-size': 1, 'stroke-color': '#ffff00' },
    });
    expect(STROKE_STYLES).toContain(symbols[2]?.['stroke-style']);
    expect(MARKER_STYLES).toContain(symbols[3]?.['marker-style']);
    for (const symbol of symbols.filter((value) => value !== undefined)) {
      for (const [key, value] of Object.entries(symbol))
        if (key.endsWith('-color')) expect(value).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('ships the lookup companions: polygon geometry with string featureIds, and content JSON of the section 3 shape', () => {
    const layers = json('layers.json') as Array<{ filename: string; lookup?: boolean }>;
    for (const layer of layers.filter((item) => item.lookup)) {
      const base = layer.filename.replace(/\.[^.]+$/, '');
      const geometry = json(`${base}.geojson`);
      expect(lookupFeatureCollectionSchema.safeParse(geometry).success).toBe(true);
      const features = (
        geometry as {
          features: Array<{
            properties: { featureId: unknown };
            geometry: { type: string; coordinates: number[][][] };
          }>;
        }
      ).features;
      for (const feature of features) {
        expect(typeof feature.properties.featureId).toBe('string');
        expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
      }
      // Rewound per RFC 7946: the exterior ring now runs counterclockwise.
      expect(features[0].geometry.coordinates[0]).toEqual([...clockwiseWorld].reverse());
      const content = json(`${base}.json`);
      expect(lookupContentSchema.safeParse(content).success).toBe(true);
      expect(content).toEqual(lookupContent);
      const blockTypes = (content as typeof lookupContent).datasets.flatMap((dataset) =>
        dataset.rows.flatMap((row) => row.view.blocks.map((block) => block.type)),
      );
      expect(new Set(blockTypes)).toEqual(new Set(['body', 'attributes', 'web', 'image', 'link', 'notice']));
    }
  });

  it('streams the basemap unchanged and stored (it is compressed already); JSON is deflated', async () => {
    const source = await readFile(basemapPath);
    const basemap = entry('Gabon.mbtiles');
    expect(createHash('sha256').update(basemap.data).digest('hex')).toBe(
      createHash('sha256').update(source).digest('hex'),
    );
    expect(basemap.compressionMethod).toBe(0);
    expect(entry('layers.json').compressionMethod).toBe(8);
    const extracted = join(directory, 'extracted.mbtiles');
    await writeFile(extracted, basemap.data);
    const reader = MbtilesReader.open(extracted);
    try {
      expect(reader.metadata().name).toBe('Gabon');
    } finally {
      reader.close();
    }
  });

  it('orders versions correctly as strings', () => {
    const versions = [
      datePackageVersion(new Date('2026-04-21T00:00:00Z')),
      datePackageVersion(new Date('2026-04-21T00:00:00Z'), 2),
      datePackageVersion(new Date('2026-10-02T00:00:00Z')),
      datePackageVersion(new Date('2027-01-01T00:00:00Z')),
    ];
    expect(versions).toEqual(['2026.04.21', '2026.04.21.002', '2026.10.02', '2027.01.01']);
    expect([...versions].reverse().sort(comparePackageVersions)).toEqual(versions);
  });

  it('writes ZIP64 records when asked (yazl switches to them by itself past 4 GiB) and yauzl still reads it', async () => {
    const path = join(directory, 'zip64.zip');
    await writeCyberTrackerPackage(path, input, { forceZip64: true });
    const bytes = await readFile(path);
    const zip64EndRecord = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
    expect(bytes.includes(zip64EndRecord)).toBe(true);
    const reread = await readZipEntries(path);
    expect(reread.map((item) => item.name)).toEqual(entries.map((item) => item.name));
    expect(
      reread.find((item) => item.name === 'Gabon.mbtiles')?.data.equals(entry('Gabon.mbtiles').data),
    ).toBe(true);
  });

  it('refuses a package that breaks the rules, naming every field, and writes nothing', async () => {
    const path = join(directory, 'invalid.zip');
    const broken: CyberTrackerPackageInput = {
      manifest: { id: 'org example', version: '1.2.10' },
      layers: [
        { filename: 'Gabon.mbtiles', name: 'Gabon', active: true, opacity: 1.5 },
        {
          filename: 'Country.shp',
          name: 'Countries',
          active: true,
          symbol: { 'marker-style': 'star' as 'x' },
        },
        { filename: 'zones.geojson', name: 'Zones', active: true, lookup: true },
      ],
      files: [
        { kind: 'disk', filename: 'maps/Gabon.mbtiles', path: basemapPath },
        { kind: 'bytes', filename: 'Country.shp', data: Buffer.from('shp') },
        {
          kind: 'geojson',
          filename: 'zones.geojson',
          data: {
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: { featureId: 7 },
                geometry: { type: 'Point', coordinates: [0, 0] },
              },
            ],
          },
        },
        {
          kind: 'lookup-content',
          filename: 'zones.json',
          data: {
            content: { id: 'zones', language: 'en' },
            datasets: [
              {
                id: 'd',
                filter: {
                  featureIds: ['zone:1'],
                  when: { start: '2026-03-01', end: '2026-02-01T00:00:00Z' },
                },
                rows: [
                  {
                    path: ['Zones'],
                    view: {
                      title: 'Zone',
                      blocks: [
                        { type: 'video', value: 'x' } as never,
                        { type: 'attributes', items: [] } as never,
                      ],
                    },
                  },
                ],
              },
            ],
          },
        },
      ],
    };
    const failure = writeCyberTrackerPackage(path, broken);
    await expect(failure).rejects.toMatchObject({ code: FormatErrorCode.INVALID_PACKAGE });
    const problems = await failure.then(
      () => [] as readonly string[],
      (error: { problems: readonly string[] }) => error.problems,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'package.id must be a non-empty id without spaces, such as org.my.package.id',
        'package.version must compare correctly as a string: use YYYY.MM.DD[.NNN] or normalisePackageVersion()',
        'layers[0].opacity must be at most 1',
        'layers[1].symbol.marker-style must be one of circle, cross, diamond, square, triangle, x',
        'files[0].filename must be a file at the archive root (no / or \\)',
        'files[2].data.features[0].geometry.type must be one of Polygon, MultiPolygon',
        'files[2].data.features[0].properties.featureId must be a string',
        'files[3].data.datasets[0].filter.when.start must be an RFC 3339 date-time such as 2026-03-01T00:00:00Z',
        'files[3].data.datasets[0].filter.when.end must not be before start',
        'files[3].data.datasets[0].rows[0].view.blocks[0].type must be one of body, attributes, web, image, link, notice',
        'files[3].data.datasets[0].rows[0].view.blocks[1].label is required',
        'files[3].data.datasets[0].rows[0].view.blocks[1].items must have at least 1 item',
        'layers[0].filename Gabon.mbtiles is not a file in the package',
        'layers[1] shapefile needs Country.shx in the package',
        'layers[1] shapefile needs Country.dbf in the package',
      ]),
    );
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
