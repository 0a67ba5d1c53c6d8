import { SetMetadata } from '@nestjs/common';
import { JobName } from '@map-offline/contracts';

export const JOB_HANDLER_METADATA = 'map-offline:job-handler';

/** Marks the one method that runs a job. The worker host checks at boot that every job has exactly one. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, name);
