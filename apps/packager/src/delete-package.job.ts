import { Injectable } from '@nestjs/common';
import { DelayedError } from 'bullmq';
import { DeletePackagePayload, QueueName } from '@map-offline/contracts';
import { OfflinePackageEntity, OfflinePackageRepository } from '@map-offline/entities';
import { JobContext, JobHandler, QueueProducer } from '@map-offline/queue';
import { ObjectStorage } from '@map-offline/storage';
import { packageObjectKey } from './build/package-upload';
import { PackagePinReleaser } from './package-pin.releaser';

/** milliseconds between checks while the package's cancelled build is still stopping */
const BUILD_STOP_RECHECK_MS = 1_000;
/** milliseconds after which a build that never stopped (a dead worker) is not waited for any longer */
const MAX_WAIT_FOR_BUILD_MS = 10 * 60 * 1000;

/**
 * delete-package: load -> guard (only a package marked deleting; wait for its cancelled build to stop so
 * the build does not pin again behind the release) -> delete the object, release the pins, delete the
 * record. Each step is idempotent, so a redelivery after a crash finishes the job.
 */
@Injectable()
export class DeletePackageJob {
  constructor(
    private readonly packages: OfflinePackageRepository,
    private readonly producer: QueueProducer,
    private readonly pins: PackagePinReleaser,
    private readonly storage: ObjectStorage,
  ) {}

  @JobHandler('delete-package')
  async run(payload: DeletePackagePayload, context: JobContext): Promise<Record<string, unknown>> {
    const pkg = await this.packages.find(payload.organisationId, payload.packageId);
    if (!pkg) return { skipped: 'package already deleted' };
    if (pkg.state !== 'deleting') return { skipped: `package is ${pkg.state}, not deleting` };
    if ((await this.buildIsRunning(pkg)) && Date.now() - context.job.timestamp < MAX_WAIT_FOR_BUILD_MS) {
      await context.job.moveToDelayed(Date.now() + BUILD_STOP_RECHECK_MS, context.token);
      throw new DelayedError();
    }
    // The object goes first: once the record is gone nothing would know the key any more.
    await this.storage.delete(pkg.objectKey ?? packageObjectKey(pkg.organisationId, pkg.id, pkg.fileName));
    const released = await this.pins.releaseAll(pkg, (pinsReleased) =>
      context.reportProgress({ pinsReleased }),
    );
    await this.packages.deleteRecord(pkg.id);
    context.logger.info(released, 'offline package deleted');
    return released;
  }

  /**
   * Whether a worker still holds the package's build job. The run's state is not enough: cancelJob marks
   * it cancelled at once, while the build needs a moment to notice and clean up after itself.
   */
  private async buildIsRunning(pkg: OfflinePackageEntity): Promise<boolean> {
    if (!pkg.jobRunId) return false;
    // The id JobLauncher gives a run's job: `<kind>_<run id>`.
    const job = await this.producer.queue(QueueName.Packaging).getJob(`build-package_${pkg.jobRunId}`);
    return job !== undefined && (await job.isActive());
  }
}
