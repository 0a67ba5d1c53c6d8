import { CacheRegionEntity, JobRunEntity, toJobProgressEvent } from '@map-offline/entities';
import { JobProgressEvent } from '@map-offline/contracts';
import { JobHandle, JobProgress, JobStateValue } from './job-handle.model';

export function toJobProgress(event: JobProgressEvent): JobProgress {
  return {
    jobId: event.jobId,
    state: event.state as JobStateValue,
    doneUnits: event.doneUnits,
    totalUnits: event.totalUnits,
    fraction:
      event.totalUnits > 0
        ? Math.min(1, event.doneUnits / event.totalUnits)
        : event.state === 'completed'
          ? 1
          : 0,
    perZoom: Object.entries(event.doneByZoom)
      .map(([zoom, done]) => ({ zoom: Number(zoom), done }))
      .sort((a, b) => a.zoom - b.zoom),
    bytes: event.bytes,
    errors: event.errors,
    etaSeconds: event.etaSeconds,
  };
}

export function toJobHandle(
  run: JobRunEntity,
  region: CacheRegionEntity | null,
  now = new Date(),
): JobHandle {
  return {
    id: run.id,
    kind: run.kind,
    state: run.state as JobStateValue,
    subjectId: run.subjectId,
    progress: toJobProgress(toJobProgressEvent(run, region, now)),
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}
