import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every build works in its own directory under this one, removed when the build ends however it ends. */
export const PACKAGER_TEMPORARY_ROOT = join(tmpdir(), 'map-offline-packager');

export interface TemporaryWorkspace {
  path: string;
  remove(): Promise<void>;
}

export async function createTemporaryWorkspace(label: string): Promise<TemporaryWorkspace> {
  await mkdir(PACKAGER_TEMPORARY_ROOT, { recursive: true });
  const path = await mkdtemp(join(PACKAGER_TEMPORARY_ROOT, `${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
