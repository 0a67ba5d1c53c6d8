import { JobProgressEvent } from '@map-offline/contracts';
import { CacheRegionEntity } from './cache-region.entity';
import { JobRunEntity } from './job-run.entity';

/** The progress view of a job run; the ETA assumes the rate since the job started continues. */
export function toJobProgressEvent(
  run: JobRunEntity,
  region: CacheRegionEntity | null,
  now: Date,
): JobProgressEvent {
  const doneByZoom = (run.progress.doneByZoom ?? {}) as Record<string, number>;
  const elapsedSeconds = run.startedAt ? (now.getTime() - run.startedAt.getTime()) / 1000 : 0;
  const remaining = Math.max(0, run.totalUnits - run.doneUnits);
  const rate = elapsedSeconds > 0 ? run.doneUnits / elapsedSeconds : 0;
  const running = run.state === 'active' || run.state === 'queued';
  return {
    jobId: run.id,
    state: run.state,
    doneUnits: run.doneUnits,
    totalUnits: run.totalUnits,
    doneByZoom,
    // Live figures are on the run; a finished region's recounted figures are exact and win.
    bytes: finishedRegion(region)?.logicalBytes ?? Number(run.progress.bytes ?? 0),
    errors: finishedRegion(region)?.tilesFailed ?? Number(run.progress.errors ?? 0),
    etaSeconds: running && rate > 0 ? Math.round(remaining / rate) : remaining === 0 ? 0 : null,
    at: now.toISOString(),
  };
}

function finishedRegion(region: CacheRegionEntity | null): CacheRegionEntity | null {
  return region && region.completedAt ? region : null;
}
