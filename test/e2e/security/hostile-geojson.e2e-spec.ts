import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';

jest.setTimeout(60_000);

const square = [
  [10, 50],
  [11, 50],
  [11, 51],
  [10, 51],
  [10, 50],
];

function nested(depth: number): unknown {
  let value: unknown = [10, 50];
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

describe('hostile GeoJSON gets a typed error naming the problem, never a server error', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let client: GraphqlClient;
  let sourceId: string;

  beforeAll(async () => {
    world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: 'tiles.example.org' });
    gateway = await startInProcess('gateway', world.env);
    client = new GraphqlClient(`http://127.0.0.1:${gateway.port}`, await tokenFor('geo-org', ['admin']));
    const { registerTileSource } = await client.data<{ registerTileSource: { id: string } }>(
      `mutation { registerTileSource(input: { name: "s", urlTemplate: "https://tiles.example.org/{z}/{x}/{y}.png", format: PNG }) { id } }`,
    );
    sourceId = registerTileSource.id;
  });

  afterAll(async () => {
    await gateway.stop();
    await world.close();
  });

  const estimate = (area: Record<string, unknown>) =>
    client.request(`query ($input: EstimateCacheInput!) { estimateCache(input: $input) { totalTiles } }`, {
      input: { sourceId, area: { minZoom: 0, maxZoom: 5, ...area } },
    });

  it.each([
    [
      'an unclosed ring',
      { type: 'Polygon', coordinates: [square.slice(0, 4)] },
      /geometry\.coordinates\[0\]/,
    ],
    [
      'a ring with 3 positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [10, 50],
            [11, 50],
            [10, 50],
          ],
        ],
      },
      /geometry\.coordinates\[0\]/,
    ],
    [
      'a latitude of 95',
      {
        type: 'Polygon',
        coordinates: [
          [
            [10, 50],
            [11, 50],
            [11, 95],
            [10, 50],
          ],
        ],
      },
      /latitude|-90|90/,
    ],
    [
      'a longitude of 200',
      {
        type: 'Polygon',
        coordinates: [
          [
            [10, 50],
            [200, 50],
            [11, 51],
            [10, 50],
          ],
        ],
      },
      /longitude|-180|180/,
    ],
    [
      'strings as numbers',
      {
        type: 'Polygon',
        coordinates: [
          [
            ['10', '50'],
            [11, 50],
            [11, 51],
            ['10', '50'],
          ],
        ],
      },
      /geometry\.coordinates/,
    ],
    ['a wrong type', { type: 'LineString', coordinates: square }, /geometry\.type/],
    ['no coordinates', { type: 'Polygon' }, /geometry\.coordinates/],
    ['deep nesting', { type: 'Polygon', coordinates: nested(200) }, /geometry\.coordinates/],
  ])('refuses %s', async (_name, geometry, message) => {
    const result = await estimate({ geometry });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('refuses an area with more positions than the limit, naming it', async () => {
    // Two decimals keep the request (about 1.5 MB) under the 4 MiB body limit, so the position limit answers.
    const round = (value: number) => Math.round(value * 100) / 100;
    const ring = Array.from({ length: 100_001 }, (_, index) => [
      round(10 + Math.cos((index / 100_000) * 2 * Math.PI)),
      round(50 + Math.sin((index / 100_000) * 2 * Math.PI)),
    ]);
    ring.push(ring[0]);
    const result = await estimate({ geometry: { type: 'Polygon', coordinates: [ring] } });
    expect(result.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(result.errors?.[0].message).toMatch(/the limit is 100000/);
  });

  it('refuses a non-finite number (1e999 parses as Infinity)', async () => {
    const response = await fetch(`http://127.0.0.1:${gateway.port}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await tokenFor('geo-org', ['admin'])}`,
      },
      body: `{"query":"query ($input: EstimateCacheInput!) { estimateCache(input: $input) { totalTiles } }","variables":{"input":{"sourceId":"${sourceId}","area":{"minZoom":0,"maxZoom":3,"geometry":{"type":"Polygon","coordinates":[[[10,50],[1e999,50],[11,51],[10,50]]]}}}}}`,
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a bbox of the wrong length or order, naming the field', async () => {
    const short = await estimate({ bbox: [10, 50, 11] });
    expect(short.errors?.[0].message).toMatch(/bbox.*4 numbers/);
    const inverted = await estimate({ bbox: [10, 51, 11, 50] });
    expect(inverted.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(inverted.errors?.[0].extensions?.field).toMatch(/bbox/);
  });

  it('still accepts a valid area after all that', async () => {
    const result = await estimate({ geometry: { type: 'Polygon', coordinates: [square] } });
    expect(result.errors).toBeUndefined();
  });
});
