import { createServer } from 'node:net';
import { Scope } from '@map-offline/auth';
import { RunningProcess } from '@map-offline/runtime';
import { GraphqlClient, startInProcess } from '@map-offline/testing';
import { ALL_CACHING_SCOPES, CachingWorld, startCachingWorld } from '../../caching/support/caching-world';

export const PACKAGE_SCOPES: Scope[] = [...ALL_CACHING_SCOPES, 'package:read', 'package:write'];

/** The caching world plus a packager, with the gateway on a known port so stable links point at it. */
export interface PackagesWorld {
  stack: CachingWorld;
  packager: RunningProcess;
  /** every caching and package scope of the world's organisation */
  api: GraphqlClient;
  gatewayUrl: string;
  close(): Promise<void>;
}

/** A free loopback port: the gateway's public base URL (in applinks) must name the port it listens on. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startPackagesWorld(organisationId: string): Promise<PackagesWorld> {
  const port = await freePort();
  const stack = await startCachingWorld({
    organisationId,
    env: { GATEWAY_PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
  });
  const packager = await startInProcess('packager', stack.env);
  return {
    stack,
    packager,
    api: await stack.clientWith(PACKAGE_SCOPES),
    gatewayUrl: stack.gatewayUrl,
    close: async () => {
      await packager.stop();
      await stack.close();
    },
  };
}
