import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@map-offline/runtime';

/** Prometheus series of the sync-merger. */
@Injectable()
export class MergerMetrics {
  readonly changes: Counter<'outcome'>;
  readonly conflictsOpened: Counter;
  readonly batchDuration: Histogram;
  readonly phaseDuration: Histogram<'phase'>;
  readonly batchesPerMerge: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.changes = new Counter({
      name: 'mapoffline_sync_changes_total',
      help: 'Pushed changes merged, by outcome (APPLIED, MERGED, CONFLICT, DUPLICATE, REJECTED)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.conflictsOpened = new Counter({
      name: 'mapoffline_sync_conflicts_opened_total',
      help: 'Conflict records opened (or reopened) for review; one CONFLICT change can open one per disputed field',
      registers: [registry],
    });
    this.batchDuration = new Histogram({
      name: 'mapoffline_sync_batch_merge_duration_seconds',
      help: 'Time to merge one batch, transaction included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.phaseDuration = new Histogram({
      name: 'mapoffline_sync_merge_phase_duration_seconds',
      help: 'Time of each phase of a merge: load, lock (features), apply (CRDT), write (under the layer lock), commit',
      labelNames: ['phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    this.batchesPerMerge = new Histogram({
      name: 'mapoffline_sync_batches_per_merge',
      help: 'Batches merged by one transaction (a backlog of one layer is merged a group at a time)',
      buckets: [1, 2, 4, 8, 16, 32],
      registers: [registry],
    });
  }
}
