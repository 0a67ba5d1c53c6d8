import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppLogger } from '@map-offline/observability';
import { StaleWorkspaceSweeper } from './stale-workspace.sweeper';

describe('StaleWorkspaceSweeper', () => {
  it('removes workspaces untouched for a day and keeps recent ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sweeper-'));
    try {
      const now = Date.now();
      await mkdir(join(root, 'old-build'));
      await mkdir(join(root, 'fresh-build'));
      const twoDaysAgo = new Date(now - 48 * 3600 * 1000);
      await utimes(join(root, 'old-build'), twoDaysAgo, twoDaysAgo);
      const warnings: unknown[] = [];
      const logger = { warn: (fields: unknown) => warnings.push(fields) } as unknown as AppLogger;
      await expect(new StaleWorkspaceSweeper(logger).sweep(now, root)).resolves.toEqual(['old-build']);
      await expect(readdir(root)).resolves.toEqual(['fresh-build']);
      expect(warnings).toEqual([{ removed: ['old-build'] }]);
      await expect(new StaleWorkspaceSweeper(logger).sweep(now, join(root, 'missing'))).resolves.toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
