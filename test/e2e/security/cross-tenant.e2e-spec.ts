import { buildClientSchema, getIntrospectionQuery, GraphQLSchema, IntrospectionQuery } from 'graphql';
import { RunningProcess } from '@map-offline/runtime';
import {
  createTestWorld,
  GraphqlClient,
  rootOperations,
  startInProcess,
  TestWorld,
  tokenFor,
} from '@map-offline/testing';

jest.setTimeout(120_000);

/**
 * Organisation B calls every root field of the served schema with each of organisation A's object ids in
 * every ID/String argument. Nothing of A may come back, nothing of A may change, and the refusal is
 * "not found", never "forbidden" (which would confirm the object exists).
 */
describe('tenants never see or touch each other', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let baseUrl: string;
  let schema: GraphQLSchema;
  let alice: GraphqlClient;
  const secretsOfA: string[] = [];
  let jobOfA = '';
  let regionOfA = '';
  let sourceOfA = '';

  beforeAll(async () => {
    world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: 'tiles.example.org' });
    gateway = await startInProcess('gateway', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    alice = new GraphqlClient(baseUrl, await tokenFor('org-a', ['admin'], 'alice'));
    const { registerTileSource } = await alice.data<{ registerTileSource: { id: string } }>(
      `mutation { registerTileSource(input: { name: "a-secret-source", urlTemplate: "https://tiles.example.org/{z}/{x}/{y}.png", format: PNG,
         headers: [{ name: "X-Api-Key", value: "a-secret-key" }] }) { id } }`,
    );
    sourceOfA = registerTileSource.id;
    const { createCacheRegion } = await alice.data<{ createCacheRegion: { id: string; subjectId: string } }>(
      `mutation ($sourceId: String!) { createCacheRegion(input: { name: "a-secret-region", sourceId: $sourceId,
         area: { bbox: [10, 50, 10.1, 50.1], minZoom: 0, maxZoom: 3 } }) { id subjectId } }`,
      { sourceId: sourceOfA },
    );
    jobOfA = createCacheRegion.id;
    regionOfA = createCacheRegion.subjectId;
    secretsOfA.push(sourceOfA, jobOfA, regionOfA, 'a-secret-source', 'a-secret-region', 'a-secret-key');
    const introspection = await alice.data<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(introspection);
  });

  afterAll(async () => {
    await gateway.stop();
    await world.close();
  });

  it('returns nothing of A and answers NOT_FOUND, not FORBIDDEN, for every operation with every id of A', async () => {
    const bob = new GraphqlClient(baseUrl, await tokenFor('org-b', ['admin'], 'bob'));
    const leaks: string[] = [];
    let refusedAsNotFound = 0;
    for (const id of [sourceOfA, regionOfA, jobOfA]) {
      for (const operation of rootOperations(schema, id).filter((entry) => entry.kind !== 'subscription')) {
        const result = await bob.request(operation.document);
        const body = JSON.stringify(result.data ?? null);
        for (const secret of secretsOfA) {
          if (body.includes(secret)) leaks.push(`${operation.field}(${id}) returned ${secret}`);
        }
        const codes = (result.errors ?? []).map((error) => String(error.extensions?.code));
        if (codes.includes('FORBIDDEN')) leaks.push(`${operation.field}(${id}) answered FORBIDDEN`);
        if (codes.includes('NOT_FOUND')) refusedAsNotFound += 1;
      }
    }
    expect(leaks).toEqual([]);
    // The id-taking operations (tileSource, cacheRegion, job, cancel/pause/resume, refresh, delete, estimate...)
    // really were refused as not found, so the sweep exercised them.
    expect(refusedAsNotFound).toBeGreaterThanOrEqual(10);
  });

  it('left every object of A as it was', async () => {
    const { job } = await alice.data<{ job: { state: string } }>(
      `query ($id: ID!) { job(id: $id) { state } }`,
      { id: jobOfA },
    );
    expect(['QUEUED', 'ACTIVE']).toContain(job.state);
    const { cacheRegion } = await alice.data<{ cacheRegion: { status: string; name: string } }>(
      `query ($id: ID!) { cacheRegion(id: $id) { status name } }`,
      { id: regionOfA },
    );
    expect(cacheRegion.name).toBe('a-secret-region');
    expect(cacheRegion.status).not.toBe('deleting');
    const { tileSources } = await alice.data<{ tileSources: { id: string; secretHeaderNames: string[] }[] }>(
      '{ tileSources { id secretHeaderNames } }',
    );
    expect(tileSources.map((source) => source.id)).toEqual([sourceOfA]);
  });

  it('keeps REST routes tenant-scoped too', async () => {
    const bobToken = await tokenFor('org-b', ['admin'], 'bob');
    const tile = await fetch(`${baseUrl}/tiles/${sourceOfA}/0/0/0`, {
      headers: { authorization: `Bearer ${bobToken}` },
    });
    expect(tile.status).toBe(404);
  });

  it('never returns secret header values, even to their owner', async () => {
    const result = await alice.request('{ tileSources { id name urlTemplate secretHeaderNames } }');
    expect(JSON.stringify(result)).not.toContain('a-secret-key');
    expect(JSON.stringify(result)).toContain('X-Api-Key');
  });
});
