import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@map-offline/runtime';

/** Prometheus series of the seeder; names follow <app>_<thing>_<unit>_total conventions. */
@Injectable()
export class SeederMetrics {
  readonly tilesFetched: Counter<'outcome'>;
  readonly bytesFetched: Counter;
  readonly blobsUploaded: Counter;
  readonly deduplicationHits: Counter;
  readonly batchDuration: Histogram<'result'>;
  readonly upstreamResponses: Counter<'status'>;
  readonly upstreamLatency: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.tilesFetched = new Counter({
      name: 'mapoffline_seeder_tiles_total',
      help: 'Tiles processed by outcome (fetched, empty, not_modified, failed, linked)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.bytesFetched = new Counter({
      name: 'mapoffline_seeder_fetched_bytes_total',
      help: 'Bytes of tile bodies received from upstreams',
      registers: [registry],
    });
    this.blobsUploaded = new Counter({
      name: 'mapoffline_seeder_blobs_uploaded_total',
      help: 'New blobs written to object storage',
      registers: [registry],
    });
    this.deduplicationHits = new Counter({
      name: 'mapoffline_seeder_deduplication_hits_total',
      help: 'Fetched tiles whose bytes were already stored (no upload)',
      registers: [registry],
    });
    this.upstreamResponses = new Counter({
      name: 'mapoffline_seeder_upstream_responses_total',
      help: 'Upstream responses by HTTP status, or transport error kind',
      labelNames: ['status'],
      registers: [registry],
    });
    this.upstreamLatency = new Histogram({
      name: 'mapoffline_seeder_upstream_latency_seconds',
      help: 'Time from request to complete response body',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.batchDuration = new Histogram({
      name: 'mapoffline_seeder_batch_duration_seconds',
      help: 'Time to process one seed batch',
      labelNames: ['result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }
}
