import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@map-offline/runtime';

/** Prometheus series of the sync-merger. */
@Injectable()
export class MergerMetrics {
  readonly changes: Counter<'outcome'>;
  readonly batchDuration: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.changes = new Counter({
      name: 'mapoffline_sync_changes_total',
      help: 'Pushed changes merged, by outcome (APPLIED, MERGED, CONFLICT, DUPLICATE, REJECTED)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.batchDuration = new Histogram({
      name: 'mapoffline_sync_batch_merge_duration_seconds',
      help: 'Time to merge one batch, transaction included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }
}
