import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  createAddressPolicy,
  createUpstreamTileClient,
  UpstreamTileClient,
  UpstreamTileSource,
} from '@map-offline/upstream';

/** A tiny upstream that answers every request with a redirect to the cloud metadata address. */
function startRedirectingServer(): Promise<{ server: Server; port: number; requests: () => number }> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    response.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, requests: () => requests }),
    ),
  );
}

function source(urlTemplate: string): UpstreamTileSource {
  return { id: 'ssrf-test', urlTemplate, scheme: 'xyz', format: 'png', maxConcurrentRequests: 2 };
}

describe('upstream connections obey the SSRF address policy at connect time', () => {
  let upstream: Awaited<ReturnType<typeof startRedirectingServer>>;
  const clients: UpstreamTileClient[] = [];
  const client = (allowedCidrs: string[], followRedirects = 0): UpstreamTileClient => {
    const created = createUpstreamTileClient({
      checkAddress: createAddressPolicy(allowedCidrs),
      client: { followRedirects, maxAttemptsPerTile: 1 },
    });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    upstream = await startRedirectingServer();
  });

  afterAll(async () => {
    await Promise.all(clients.map((entry) => entry.close()));
    upstream.server.close();
  });

  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/{z}/{x}/{y}.png`],
    ['localhost by name (checked after DNS)', (port: number) => `http://localhost:${port}/{z}/{x}/{y}.png`],
    ['decimal-encoded IPv4', (port: number) => `http://2130706433:${port}/{z}/{x}/{y}.png`],
    ['hex-encoded IPv4', (port: number) => `http://0x7f.0.0.1:${port}/{z}/{x}/{y}.png`],
    ['the metadata address', () => `http://169.254.169.254/{z}/{x}/{y}.png`],
    ['a private range', () => `http://10.255.255.1/{z}/{x}/{y}.png`],
  ])('refuses %s without sending a request', async (_name, template) => {
    const before = upstream.requests();
    const { results } = await client([]).fetchTiles(source(template(upstream.port)), [{ z: 0, x: 0, y: 0 }]);
    expect(results[0].outcome).toBe('FAILED');
    expect(results[0].failure?.code).toBe('ADDRESS_NOT_ALLOWED');
    expect(upstream.requests()).toBe(before);
  });

  it('does not follow a redirect to an internal address, even when redirects are followed', async () => {
    const template = `http://127.0.0.1:${upstream.port}/{z}/{x}/{y}.png`;
    const notFollowing = await client(['127.0.0.1/32']).fetchTiles(source(template), [{ z: 0, x: 0, y: 0 }]);
    expect(notFollowing.results[0].failure?.code).toBe('REDIRECT');
    const following = await client(['127.0.0.1/32'], 3).fetchTiles(source(template), [{ z: 0, x: 0, y: 0 }]);
    expect(following.results[0].outcome).toBe('FAILED');
    expect(following.results[0].failure?.code).toBe('ADDRESS_NOT_ALLOWED');
  });
});
