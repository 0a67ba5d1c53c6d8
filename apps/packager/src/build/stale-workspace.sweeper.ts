import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppLogger } from '@map-offline/observability';
import { APP_LOGGER } from '@map-offline/runtime';
import { PACKAGER_TEMPORARY_ROOT } from './temporary-workspace';

/** milliseconds after which a build workspace nobody removed is considered left by a dead process */
const STALE_AFTER_MS = 24 * 3600 * 1000;

/**
 * Every build removes its workspace when it ends, but a killed process cannot. At start-up, workspaces
 * untouched for a day are removed: no build runs that long, so none of them belongs to a live build.
 */
@Injectable()
export class StaleWorkspaceSweeper implements OnApplicationBootstrap {
  constructor(@Inject(APP_LOGGER) private readonly logger: AppLogger) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep(Date.now());
  }

  async sweep(now: number, root = PACKAGER_TEMPORARY_ROOT): Promise<string[]> {
    const entries = await readdir(root).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const entry of entries) {
      const path = join(root, entry);
      const details = await stat(path).catch(() => undefined);
      if (!details || now - details.mtimeMs < STALE_AFTER_MS) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(entry);
    }
    if (removed.length > 0)
      this.logger.warn({ removed }, 'removed build workspaces left by a stopped process');
    return removed;
  }
}
