import { tokenFor } from '@map-offline/testing';
import { DemoApi } from '../../../scripts/demo/demo-api';
import { runSyncDemo } from '../../../scripts/demo/sync-demo';
import { startSyncWorld, SYNC_SCOPES, SyncWorld } from './support/sync-world';

jest.setTimeout(120_000);

/** The demo's sync story runs against a real gateway and sync-merger, so `npm run demo` keeps working. */
describe('the sync demo', () => {
  let server: SyncWorld;

  beforeAll(async () => {
    server = await startSyncWorld();
  });

  afterAll(async () => {
    await server.close();
  });

  it('merges one edit cleanly, reviews the other, and a third device pulls the result', async () => {
    const lines: string[] = [];
    const api = new DemoApi(
      server.gatewayUrl,
      await tokenFor(server.organisationId, SYNC_SCOPES, 'demo-reviewer'),
    );
    await expect(runSyncDemo(api, (line) => lines.push(line))).resolves.toBeUndefined();
    const story = lines.join('\n');
    expect(story).toMatch(/tablet-brian reconnects and pushes: MERGED, CONFLICT \(conflict [0-9a-f]{8}\)/);
    expect(story).toMatch(
      /open conflict on the acacia's properties.health \(CONCURRENT_WRITES\): base "good" by tablet-amina/,
    );
    expect(story).toMatch(/a reviewer keeps the device's version: APPLIED/);
    expect(story).toMatch(/phone-chloe pulls 2 trees/);
  });
});
