import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadOrCreateDevelopmentSigningKey } from '@map-offline/auth';
import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';

jest.setTimeout(60_000);

describe('hostile GraphQL input', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let secondReplica: RunningProcess;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    world = await createTestWorld({
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_COMPLEXITY: '40',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '1000',
    });
    gateway = await startInProcess('gateway', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    token = await tokenFor('abuse-org', ['admin']);
  });

  afterAll(async () => {
    await secondReplica?.stop();
    await gateway.stop();
    await world.close();
  });

  it('refuses a document nested past the depth limit, naming the limit', async () => {
    // job -> progress -> perZoom -> zoom is 4 deep; this world allows 3.
    const deep = '{ job(id: "00000000-0000-4000-8000-000000000000") { progress { perZoom { zoom } } } }';
    const client = new GraphqlClient(baseUrl, token);
    const result = await client.request(deep);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toBe('query depth 4 is over the limit of 3');
    // Apollo reports every validation-rule failure as GRAPHQL_VALIDATION_FAILED; the message names the limit.
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses more aliases than allowed', async () => {
    const aliased = `{ ${Array.from({ length: 6 }, (_, index) => `h${index}: health { status }`).join(' ')} }`;
    const result = await new GraphqlClient(baseUrl, token).request(aliased);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].message).toBe('more than 5 aliases in one document');
  });

  it('refuses an operation over the complexity limit and accepts one under it', async () => {
    const client = new GraphqlClient(baseUrl, token);
    await expect(client.data('{ health { status version } }')).resolves.toBeDefined();
    // 5 aliases x 10 fields = 50, over the limit of 40 (and within the alias limit).
    const wide = `{ ${Array.from({ length: 5 }, (_, index) => `a${index}: queueStats { queue waiting active delayed failed completed prioritized waitingChildren oldestWaitingSeconds }`).join(' ')} }`;
    const result = await client.request(wide);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0].message).toBe('query complexity 50 is over the limit of 40');
  });

  it('refuses batched requests and bodies over 4 MiB', async () => {
    const batched = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ health { status } }' }, { query: '{ health { status } }' }]),
    });
    expect(batched.status).toBe(400);
    const huge = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ health { status } } # ${'x'.repeat(4_300_000)}` }),
    });
    expect(huge.status).toBe(413);
  });

  it('applies the same limits to graphql-ws subscriptions', async () => {
    const client = createClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      const aliased = `subscription { ${Array.from({ length: 6 }, (_, index) => `p${index}: jobProgress(id: "00000000-0000-4000-8000-000000000000") { state }`).join(' ')} }`;
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: aliased },
          {
            next: () => resolve('data'),
            error: (error: unknown) => resolve(JSON.stringify(error)),
            complete: () => resolve('complete'),
          },
        );
      });
      expect(outcome).toContain('more than 5 aliases in one document');
    } finally {
      await client.dispose();
    }
  });

  it('limits requests per token across gateway replicas, answering 429 with Retry-After', async () => {
    const limitedEnv = { ...world.env, RATE_LIMIT_REQUESTS_PER_MINUTE: '6' };
    const first = await startInProcess('gateway', limitedEnv);
    secondReplica = await startInProcess('gateway', limitedEnv);
    try {
      const limitedToken = await tokenFor('abuse-org', ['cache:read'], `rate-${Date.now()}`);
      const statuses: number[] = [];
      // Alternate replicas: the count is shared through Redis, so the 7th request is refused wherever it lands.
      for (let index = 0; index < 8; index += 1) {
        const port = index % 2 === 0 ? first.port : secondReplica.port;
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${limitedToken}` },
          body: JSON.stringify({ query: '{ health { status } }' }),
        });
        statuses.push(response.status);
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get('retry-after'));
          expect(retryAfter).toBeGreaterThan(0);
          expect(retryAfter).toBeLessThanOrEqual(60);
        }
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
      // Another token has its own budget; probes are never limited.
      const otherToken = await tokenFor('abuse-org', ['cache:read'], `other-${Date.now()}`);
      await expect(
        new GraphqlClient(`http://127.0.0.1:${first.port}`, otherToken).data('{ health { status } }'),
      ).resolves.toBeDefined();
      expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it('serves no introspection in production', async () => {
    const key = await loadOrCreateDevelopmentSigningKey();
    const production = await startInProcess('gateway', {
      ...world.env,
      NODE_ENV: 'production',
      AUTH_PUBLIC_KEYS: JSON.stringify({ keys: [key.publicJwk] }),
      AUTH_ISSUER: 'map-offline-dev',
    });
    try {
      const result = await new GraphqlClient(`http://127.0.0.1:${production.port}`, token).request(
        '{ __schema { queryType { name } } }',
      );
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0].message).toMatch(/introspection/i);
      expect(JSON.stringify(result.errors)).not.toContain('stacktrace');
    } finally {
      await production.stop();
    }
  });
});
