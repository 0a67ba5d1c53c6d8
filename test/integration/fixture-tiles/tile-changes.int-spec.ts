import sharp from 'sharp';
import { flipY, TileCoord } from '@map-offline/geo';
import {
  FixtureTileServer,
  startFixtureTileServer,
  tileCoordToQuadkey,
  VECTOR_LAYER_NAMES,
} from '@map-offline/fixture-tiles';
import { FixtureResponse, getPath } from './fixture-http';
import { decodeVectorTile } from './vector-tile-decoder';

const CHANNEL = { z: 7, x: 64, y: 43 };
const PACIFIC = { z: 6, x: 5, y: 30 };
const SOUTH_ATLANTIC = { z: 6, x: 28, y: 38 };
const SAHARA = { z: 8, x: 143, y: 109 };
const SIBERIA = { z: 8, x: 199, y: 71 };
const ALL_TILES = [CHANNEL, PACIFIC, SOUTH_ATLANTIC, SAHARA, SIBERIA];
// Every representation of a tile this server has: both formats, both styles.
const VARIANTS = ['basic/{t}.png', 'dark/{t}.png', 'basic/{t}.mvt'];

type Snapshot = Map<string, FixtureResponse>;

describe('fixture tile server: changeTiles', () => {
  let server: FixtureTileServer;

  beforeAll(async () => {
    server = await startFixtureTileServer({ maxZoom: 12 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => server.clearChanges());

  const pathOf = (variant: string, tile: TileCoord): string =>
    `/${variant.replace('{t}', `${tile.z}/${tile.x}/${tile.y}`)}`;

  /** Every variant of every known tile, keyed by path. */
  const snapshot = async (): Promise<Snapshot> => {
    const paths = ALL_TILES.flatMap((tile) => VARIANTS.map((variant) => pathOf(variant, tile)));
    const responses = await Promise.all(paths.map((path) => getPath(server.url, path)));
    responses.forEach((response) => expect(response.status).toBe(200));
    return new Map(paths.map((path, index) => [path, responses[index]]));
  };

  const changedPaths = (before: Snapshot, after: Snapshot): string[] =>
    [...before.keys()].filter((path) => {
      const old = before.get(path) as FixtureResponse;
      const now = after.get(path) as FixtureResponse;
      const bytesChanged = !old.body.equals(now.body);
      const etagChanged = old.headers.get('etag') !== now.headers.get('etag');
      // A tile's bytes and ETag change together or not at all.
      expect(etagChanged).toBe(bytesChanged);
      return bytesChanged;
    });

  it('gives only the chosen tiles new bytes and a new ETag, in every format and style', async () => {
    const before = await snapshot();
    server.changeTiles([CHANNEL, PACIFIC], 'v2');
    const after = await snapshot();

    const expected = [CHANNEL, PACIFIC].flatMap((tile) => VARIANTS.map((variant) => pathOf(variant, tile)));
    expect(changedPaths(before, after).sort()).toEqual(expected.sort());

    // The changed sea tile is no longer the shared sea tile; the unchanged one still is.
    expect(
      after
        .get(pathOf(VARIANTS[0], PACIFIC))
        ?.body.equals(before.get(pathOf(VARIANTS[0], PACIFIC))?.body as Buffer),
    ).toBe(false);
    expect(
      after
        .get(pathOf(VARIANTS[0], SOUTH_ATLANTIC))
        ?.body.equals(before.get(pathOf(VARIANTS[0], PACIFIC))?.body as Buffer),
    ).toBe(true);
  });

  it('still serves a valid tile: a 256x256 PNG, and an MVT with a meta layer naming the version', async () => {
    const before = decodeVectorTile((await getPath(server.url, pathOf('basic/{t}.mvt', CHANNEL))).body);
    server.changeTiles([CHANNEL], 'v2');
    const png = await getPath(server.url, pathOf('basic/{t}.png', CHANNEL));
    const metadata = await sharp(png.body).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 256, 256]);

    const changed = decodeVectorTile((await getPath(server.url, pathOf('basic/{t}.mvt', CHANNEL))).body);
    expect(Object.keys(changed).sort()).toEqual(
      [VECTOR_LAYER_NAMES.countries, VECTOR_LAYER_NAMES.land, VECTOR_LAYER_NAMES.meta].sort(),
    );
    expect(changed.meta.features).toHaveLength(1);
    expect(changed.meta.features[0].properties).toEqual({ version: 'v2' });
    // The map data itself is the same.
    expect(changed.countries.features.map((feature) => feature.properties.name)).toEqual(
      before.countries.features.map((feature) => feature.properties.name),
    );
  });

  it('answers 200 to the old ETag and 304 to the new one, on the XYZ, TMS and quadkey paths', async () => {
    const old = await getPath(server.url, pathOf('basic/{t}.png', CHANNEL));
    const oldEtag = old.headers.get('etag') ?? '';
    server.changeTiles([CHANNEL], 'v2');
    const paths = [
      pathOf('basic/{t}.png', CHANNEL),
      `/tms/basic/${CHANNEL.z}/${CHANNEL.x}/${flipY(CHANNEL.y, CHANNEL.z)}.png`,
      `/basic/${tileCoordToQuadkey(CHANNEL)}.png`,
    ];
    const changed = await Promise.all(
      paths.map((path) => getPath(server.url, path, { 'if-none-match': oldEtag })),
    );
    for (const response of changed) {
      expect(response.status).toBe(200);
      expect(response.body.equals(changed[0].body)).toBe(true);
      expect(response.body.equals(old.body)).toBe(false);
    }
    const newEtag = changed[0].headers.get('etag') ?? '';
    expect(newEtag).not.toBe(oldEtag);
    const revalidated = await getPath(server.url, paths[0], { 'if-none-match': newEtag });
    expect(revalidated.status).toBe(304);
  });

  it('takes a predicate, lets the newest change win, repeats bytes per version, and clears', async () => {
    const base = await snapshot();
    server.changeTiles([CHANNEL], 'v2');
    const firstV2 = await snapshot();
    server.changeTiles((tile) => tile.z === 8, 3);
    const mixed = await snapshot();
    expect(changedPaths(base, mixed).sort()).toEqual(
      [CHANNEL, SAHARA, SIBERIA].flatMap((tile) => VARIANTS.map((variant) => pathOf(variant, tile))).sort(),
    );
    // The z8 change did not touch the Channel's v2 bytes.
    expect(changedPaths(firstV2, mixed).every((path) => path.includes('/8/'))).toBe(true);

    server.changeTiles([CHANNEL], 'v4');
    const v4 = await getPath(server.url, pathOf('basic/{t}.png', CHANNEL));
    expect(v4.body.equals(firstV2.get(pathOf('basic/{t}.png', CHANNEL))?.body as Buffer)).toBe(false);

    server.clearChanges();
    const cleared = await snapshot();
    expect(changedPaths(base, cleared)).toEqual([]);
    // The same version renders the same bytes again (an upstream that re-renders identically).
    server.changeTiles([CHANNEL], 'v2');
    const secondV2 = await snapshot();
    expect(changedPaths(firstV2, secondV2)).toEqual([]);
  });

  it('refuses an empty version', () => {
    expect(() => server.changeTiles([CHANNEL], '')).toThrow(/non-empty version/);
  });
});
