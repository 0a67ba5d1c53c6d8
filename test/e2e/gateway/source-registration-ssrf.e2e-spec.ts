import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';

describe('registering a tile source cannot point the seeder at internal services', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let client: GraphqlClient;

  beforeAll(async () => {
    // Every host name passes the allow-list here, so only the address policy stands in the way.
    world = await createTestWorld({
      TILE_SOURCE_ALLOWED_HOSTS: '*',
      UPSTREAM_ALLOWED_INTERNAL_CIDRS: '192.0.2.1/32',
    });
    gateway = await startInProcess('gateway', world.env);
    client = new GraphqlClient(
      `http://127.0.0.1:${gateway.port}`,
      await tokenFor('ssrf-org', ['sources:admin']),
    );
  });

  afterAll(async () => {
    await gateway.stop();
    await world.close();
  });

  const register = (name: string, urlTemplate: string) =>
    client.request(
      `mutation ($input: RegisterTileSourceInput!) { registerTileSource(input: $input) { id } }`,
      {
        input: { name, urlTemplate, format: 'PNG' },
      },
    );

  it.each([
    ['metadata', 'http://169.254.169.254/{z}/{x}/{y}.png', '169.254.169.254'],
    ['loopback', 'http://127.0.0.1:8080/{z}/{x}/{y}.png', '127.0.0.1'],
    ['private', 'http://192.168.1.10/{z}/{x}/{y}.png', '192.168.1.10'],
    ['decimal', 'http://2130706433/{z}/{x}/{y}.png', '127.0.0.1'],
    ['hex', 'http://0x7f.0.0.1/{z}/{x}/{y}.png', '127.0.0.1'],
    ['ipv6 loopback', 'http://[::1]/{z}/{x}/{y}.png', '::1'],
  ])('refuses the %s address with a clear error', async (name, template, address) => {
    const result = await register(`ssrf-${name}`, template);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain(`address ${address} is internal`);
  });

  it('refuses schemes other than http(s)', async () => {
    for (const template of ['file:///etc/{z}/{x}/{y}', 'gopher://tiles.example.org/{z}/{x}/{y}.png']) {
      const result = await register(`scheme-${template.slice(0, 4)}`, template);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.field).toBe('urlTemplate');
    }
  });

  it('accepts a public host name (checked again after DNS when the seeder connects)', async () => {
    const result = await register('public', 'https://tiles.example.org/{z}/{x}/{y}.png');
    expect(result.errors).toBeUndefined();
  });
});
