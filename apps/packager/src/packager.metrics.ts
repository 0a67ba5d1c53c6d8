import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@map-offline/runtime';

/**
 * Prometheus series of the packager. `format` is the package format (mbtiles, pmtiles, cybertracker-zip). Names
 * are used by k8s/monitoring (dashboard and docs): change them together.
 */
@Injectable()
export class PackagerMetrics {
  readonly packagesBuilt: Counter<'format'>;
  readonly packageBytes: Counter<'format'>;
  readonly buildsFailed: Counter<'format'>;
  readonly buildDuration: Histogram<'format' | 'result'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.packagesBuilt = new Counter({
      name: 'mapoffline_packager_packages_built_total',
      help: 'Packages built, uploaded, verified and recorded as ready',
      labelNames: ['format'],
      registers: [registry],
    });
    this.packageBytes = new Counter({
      name: 'mapoffline_packager_package_bytes_total',
      help: 'Bytes of the package files built (the uploaded object sizes)',
      labelNames: ['format'],
      registers: [registry],
    });
    this.buildsFailed = new Counter({
      name: 'mapoffline_packager_builds_failed_total',
      help: 'Packages whose build failed for good (permanent error or last attempt); retried attempts are not counted',
      labelNames: ['format'],
      registers: [registry],
    });
    this.buildDuration = new Histogram({
      name: 'mapoffline_packager_build_duration_seconds',
      help: 'Time of one build attempt, from the first tile read to the recorded result',
      labelNames: ['format', 'result'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
  }

  /** Records a build that ended with a ready package of sizeBytes bytes. */
  recordBuilt(format: string, sizeBytes: number, seconds: number): void {
    this.packagesBuilt.inc({ format });
    this.packageBytes.inc({ format }, sizeBytes);
    this.buildDuration.observe({ format, result: 'built' }, seconds);
  }

  /** Records a failed attempt; permanent says whether the package is now failed (no retry follows). */
  recordFailure(format: string, seconds: number | undefined, permanent: boolean): void {
    if (seconds !== undefined) this.buildDuration.observe({ format, result: 'failed' }, seconds);
    if (permanent) this.buildsFailed.inc({ format });
  }
}
