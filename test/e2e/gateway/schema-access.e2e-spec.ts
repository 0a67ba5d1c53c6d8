import { buildClientSchema, getIntrospectionQuery, IntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { RunningProcess } from '@map-offline/runtime';
import {
  createTestWorld,
  GraphqlClient,
  RootOperation,
  rootOperations,
  startInProcess,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';

/** The one field anybody may call (load balancers and people checking a deployment). */
const PUBLIC_FIELDS = new Set(['health']);

describe('every GraphQL operation is guarded (deny by default)', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let baseUrl: string;
  let operations: RootOperation[];

  beforeAll(async () => {
    world = await createTestWorld();
    gateway = await startInProcess('gateway', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    // Introspection is on outside production (and exempt from the depth limit: the standard query nests 15
    // deep); the schema is what the server really serves.
    const introspection = await new GraphqlClient(
      baseUrl,
      await tokenFor('org-a', ['admin']),
    ).data<IntrospectionQuery>(getIntrospectionQuery());
    operations = rootOperations(buildClientSchema(introspection));
  });

  afterAll(async () => {
    await gateway.stop();
    await world.close();
  });

  it('finds the operations of the product, not an empty schema', () => {
    const names = operations.map((operation) => operation.field);
    expect(names).toEqual(
      expect.arrayContaining(['health', 'createCacheRegion', 'estimateCache', 'jobProgress']),
    );
    expect(operations.length).toBeGreaterThan(15);
  });

  it('answers 401 to every query and mutation without a token, except health', async () => {
    const client = new GraphqlClient(baseUrl);
    const unguarded: string[] = [];
    for (const operation of operations.filter((entry) => entry.kind !== 'subscription')) {
      const result = await client.request(operation.document);
      const open = PUBLIC_FIELDS.has(operation.field);
      const refused = result.status === 401 && result.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';
      if (open === refused) unguarded.push(`${operation.kind} ${operation.field}: HTTP ${result.status}`);
    }
    expect(unguarded).toEqual([]);
  });

  it('answers 403 to every query and mutation when the token lacks the scope', async () => {
    const client = new GraphqlClient(baseUrl, await tokenFor('org-a', []));
    const unguarded: string[] = [];
    for (const operation of operations.filter((entry) => entry.kind !== 'subscription')) {
      if (PUBLIC_FIELDS.has(operation.field)) continue;
      const result = await client.request(operation.document);
      const refused = result.status === 403 && result.errors?.[0]?.extensions?.code === 'FORBIDDEN';
      if (!refused) unguarded.push(`${operation.kind} ${operation.field}: HTTP ${result.status}`);
    }
    expect(unguarded).toEqual([]);
  });

  // A field with no scope declaration is refused even to admin; this catches a resolver someone forgot to annotate.
  it('declares a scope on every field: admin is never refused for lack of a declaration', async () => {
    const client = new GraphqlClient(baseUrl, await tokenFor('org-a', ['admin']));
    const undeclared: string[] = [];
    for (const operation of operations.filter((entry) => entry.kind !== 'subscription')) {
      const result = await client.request(operation.document);
      if (result.status === 403) undeclared.push(`${operation.kind} ${operation.field}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('refuses subscriptions over graphql-ws without a token or without the scope', async () => {
    const subscriptions = operations.filter((entry) => entry.kind === 'subscription');
    expect(subscriptions.length).toBeGreaterThan(0);
    const outcomes: string[] = [];
    for (const token of [undefined, await tokenFor('org-a', [])]) {
      for (const operation of subscriptions) {
        outcomes.push(
          `${token ? 'no scope' : 'no token'} ${operation.field}: ${await subscribeOnce(baseUrl, operation.document, token)}`,
        );
      }
    }
    for (const outcome of outcomes) expect(outcome).toMatch(/: (closed 4403|error FORBIDDEN|closed 4401)$/);
  });
});

/** Subscribes once and reports how the server refused: a closed connection or an error result. */
async function subscribeOnce(baseUrl: string, document: string, token: string | undefined): Promise<string> {
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('no answer within 5 s'), 5_000);
      client.subscribe(
        { query: document },
        {
          next: (result) => {
            clearTimeout(timer);
            const code = result.errors?.[0]?.extensions?.code;
            resolve(result.errors ? `error ${String(code)}` : 'data');
          },
          error: (error: unknown) => {
            clearTimeout(timer);
            const code = (error as { code?: number }).code;
            if (code !== undefined) resolve(`closed ${code}`);
            else {
              const first = Array.isArray(error)
                ? (error as { extensions?: { code?: string } }[])[0]
                : undefined;
              resolve(`error ${String(first?.extensions?.code ?? error)}`);
            }
          },
          complete: () => {
            clearTimeout(timer);
            resolve('completed');
          },
        },
      );
    });
  } finally {
    await client.dispose();
  }
}
