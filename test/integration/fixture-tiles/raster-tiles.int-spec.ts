import sharp from 'sharp';
import { flipY } from '@map-offline/geo';
import { FixtureTileServer, startFixtureTileServer, tileCoordToQuadkey } from '@map-offline/fixture-tiles';
import { getPath } from './fixture-http';

// Known places (XYZ): mid Pacific and mid South Atlantic are open sea; central Sahara and central
// Siberia are land away from any coast or border at zoom 8; the English Channel has coast.
const PACIFIC = { z: 6, x: 5, y: 30 };
const SOUTH_ATLANTIC = { z: 6, x: 28, y: 38 };
const SAHARA = { z: 8, x: 143, y: 109 };
const SIBERIA = { z: 8, x: 199, y: 71 };
const CHANNEL = { z: 7, x: 64, y: 43 };

describe('fixture tile server: PNG tiles', () => {
  let server: FixtureTileServer;

  beforeAll(async () => {
    server = await startFixtureTileServer({ maxZoom: 16 });
  });

  afterAll(async () => {
    await server.close();
  });

  const png = (tile: { z: number; x: number; y: number }, style = 'basic') =>
    getPath(server.url, `/${style}/${tile.z}/${tile.x}/${tile.y}.png`);

  it('serves a 256x256 PNG that sharp decodes', async () => {
    const response = await png(CHANNEL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Number(response.headers.get('content-length'))).toBe(response.body.length);
    const metadata = await sharp(response.body).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.width).toBe(256);
    expect(metadata.height).toBe(256);
  });

  it('answers byte-identical bodies for two different open-sea tiles, and another for land', async () => {
    const [pacific, atlantic, sahara, siberia] = await Promise.all([
      png(PACIFIC),
      png(SOUTH_ATLANTIC),
      png(SAHARA),
      png(SIBERIA),
    ]);
    expect(pacific.body.equals(atlantic.body)).toBe(true);
    expect(pacific.headers.get('etag')).toBe(atlantic.headers.get('etag'));
    expect(sahara.body.equals(siberia.body)).toBe(true);
    expect(sahara.body.equals(pacific.body)).toBe(false);
  });

  it('renders a coast tile with both sea and land colours', async () => {
    const [coast, sea, land] = await Promise.all([png(CHANNEL), png(PACIFIC), png(SAHARA)]);
    expect(coast.body.equals(sea.body)).toBe(false);
    expect(coast.body.equals(land.body)).toBe(false);
    const seaPixel = await firstPixel(sea.body);
    const landPixel = await firstPixel(land.body);
    const { data } = await sharp(coast.body).raw().toBuffer({ resolveWithObject: true });
    let seaPixels = 0;
    let landPixels = 0;
    for (let offset = 0; offset < data.length; offset += 3) {
      const pixel = [data[offset], data[offset + 1], data[offset + 2]];
      if (pixel.every((value, index) => value === seaPixel[index])) seaPixels += 1;
      if (pixel.every((value, index) => value === landPixel[index])) landPixels += 1;
    }
    expect(seaPixels).toBeGreaterThan(256 * 256 * 0.1);
    expect(landPixels).toBeGreaterThan(256 * 256 * 0.1);
  });

  it('serves another style with other colours', async () => {
    const [basic, dark] = await Promise.all([png(PACIFIC, 'basic'), png(PACIFIC, 'dark')]);
    expect(dark.status).toBe(200);
    expect(dark.body.equals(basic.body)).toBe(false);
  });

  it('serves the same bytes on the TMS path (row flipped) and the quadkey path', async () => {
    const xyz = await png(CHANNEL);
    const tms = await getPath(
      server.url,
      `/tms/basic/${CHANNEL.z}/${CHANNEL.x}/${flipY(CHANNEL.y, CHANNEL.z)}.png`,
    );
    const quadkey = await getPath(server.url, `/basic/${tileCoordToQuadkey(CHANNEL)}.png`);
    expect(tms.status).toBe(200);
    expect(tms.body.equals(xyz.body)).toBe(true);
    expect(quadkey.body.equals(xyz.body)).toBe(true);
    // The unflipped row on the TMS path is another tile (southern hemisphere, open sea here).
    const unflipped = await getPath(server.url, `/tms/basic/${CHANNEL.z}/${CHANNEL.x}/${CHANNEL.y}.png`);
    expect(unflipped.body.equals(xyz.body)).toBe(false);
  });

  it('answers 404 outside the grid, above the maximum zoom, for unknown styles and paths', async () => {
    const statuses = await Promise.all(
      [
        '/basic/3/8/0.png',
        '/basic/3/0/8.png',
        '/basic/17/0/0.png',
        '/tms/basic/2/0/4.png',
        '/nostyle/1/0/0.png',
        '/basic/1/0/0.jpg',
        '/basic/1/0.png',
        '/basic/4.png',
        '/',
      ].map(async (path) => (await getPath(server.url, path)).status),
    );
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404]);
    await expect(png({ z: 16, x: 0, y: 0 })).resolves.toMatchObject({ status: 200 });
  });

  it('sends a strong ETag and Cache-Control, and 304 for a matching If-None-Match', async () => {
    const first = await png(SAHARA);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=86400');
    const revalidated = await getPath(server.url, `/basic/${SAHARA.z}/${SAHARA.x}/${SAHARA.y}.png`, {
      'if-none-match': etag,
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.get('etag')).toBe(etag);
    const weakListed = await getPath(server.url, `/basic/${SAHARA.z}/${SAHARA.x}/${SAHARA.y}.png`, {
      'if-none-match': `"other", W/${etag}`,
    });
    expect(weakListed.status).toBe(304);
    const stale = await getPath(server.url, `/basic/${SAHARA.z}/${SAHARA.x}/${SAHARA.y}.png`, {
      'if-none-match': '"stale"',
    });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(first.body)).toBe(true);
  });

  it('draws Russia, Fiji and Antarctica without stripes across the world at zoom 0', async () => {
    const world = await png({ z: 0, x: 0, y: 0 });
    const { data } = await sharp(world.body).raw().toBuffer({ resolveWithObject: true });
    const seaPixel = await firstPixel((await png(PACIFIC)).body);
    // The row through Fiji (about 17 degrees south, pixel row 140 at zoom 0) is mostly sea: a polygon
    // drawn across the antimeridian would fill it with land.
    const row = 140;
    let seaInRow = 0;
    for (let column = 0; column < 256; column += 1) {
      const offset = (row * 256 + column) * 3;
      if (
        data[offset] === seaPixel[0] &&
        data[offset + 1] === seaPixel[1] &&
        data[offset + 2] === seaPixel[2]
      )
        seaInRow += 1;
    }
    expect(seaInRow).toBeGreaterThan(128);
    // The bottom row is Antarctica: land, not sea.
    const bottomOffset = (255 * 256 + 128) * 3;
    expect([data[bottomOffset], data[bottomOffset + 1], data[bottomOffset + 2]]).not.toEqual(seaPixel);
  });
});

async function firstPixel(body: Buffer): Promise<number[]> {
  const { data } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}
