import { signDevelopmentToken } from '@map-offline/auth';
import { RunningProcess } from '@map-offline/runtime';
import { createTestWorld, GraphqlClient, startInProcess, TestWorld, tokenFor } from '@map-offline/testing';

/** Other systems queue bulk cache jobs with client-credential tokens (no user) that carry queue:submit. */
describe('service-to-service submission', () => {
  let world: TestWorld;
  let gateway: RunningProcess;
  let baseUrl: string;
  let sourceId: string;

  beforeAll(async () => {
    world = await createTestWorld({ TILE_SOURCE_ALLOWED_HOSTS: 'tiles.example.org' });
    gateway = await startInProcess('gateway', world.env);
    baseUrl = `http://127.0.0.1:${gateway.port}`;
    const admin = new GraphqlClient(baseUrl, await tokenFor('agency', ['sources:admin']));
    const { registerTileSource } = await admin.data<{ registerTileSource: { id: string } }>(
      `mutation { registerTileSource(input: { name: "s", urlTemplate: "https://tiles.example.org/{z}/{x}/{y}.png", format: PNG }) { id } }`,
    );
    sourceId = registerTileSource.id;
  });

  afterAll(async () => {
    await gateway.stop();
    await world.close();
  });

  const submit = (client: GraphqlClient, key: string) =>
    client.request<{ submitCacheJobs: { accepted: number; results: { job: { id: string } | null }[] } }>(
      `mutation ($inputs: [CreateCacheRegionInput!]!, $key: String!) {
         submitCacheJobs(inputs: $inputs, idempotencyKey: $key) { accepted results { job { id } } } }`,
      {
        key,
        inputs: [
          { name: 'pre-deployment', sourceId, area: { bbox: [10, 50, 10.2, 50.2], minZoom: 0, maxZoom: 4 } },
        ],
      },
    );

  it('accepts a client-credentials token with queue:submit', async () => {
    const token = await signDevelopmentToken({
      organisationId: 'agency',
      scopes: ['queue:submit'],
      clientId: 'planning-system',
    });
    const result = await submit(new GraphqlClient(baseUrl, token), 'batch-1');
    expect(result.errors).toBeUndefined();
    expect(result.data?.submitCacheJobs.accepted).toBe(1);
  });

  it('refuses a user token without queue:submit, even with cache:write', async () => {
    const result = await submit(
      new GraphqlClient(baseUrl, await tokenFor('agency', ['cache:write'])),
      'batch-2',
    );
    expect(result.status).toBe(403);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a service token do nothing else', async () => {
    const token = await signDevelopmentToken({
      organisationId: 'agency',
      scopes: ['queue:submit'],
      clientId: 'planning-system',
    });
    const result = await new GraphqlClient(baseUrl, token).request(
      `mutation ($id: ID!) { deleteCacheRegion(id: $id) { id } }`,
      {
        id: '00000000-0000-4000-8000-000000000000',
      },
    );
    expect(result.status).toBe(403);
  });
});
