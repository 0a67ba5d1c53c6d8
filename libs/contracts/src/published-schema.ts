import { z } from 'zod';
import { JOB_DEFINITIONS, JobDefinition } from './job-definitions';

/**
 * The JSON Schema (draft 2020-12) document outside producers validate against before adding jobs to
 * BullMQ themselves. Written to libs/contracts/schema/jobs.schema.json; a unit test keeps it current.
 */
export function publishedJobSchema(): Record<string, unknown> {
  const jobs = Object.entries(JOB_DEFINITIONS as Record<string, JobDefinition>).map(([name, definition]) => ({
    name,
    queue: definition.queue,
    description: definition.description,
    payload: z.toJSONSchema(definition.payload, { target: 'draft-2020-12' }),
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'map-offline job contracts',
    description: 'Queue, job name and payload schema of every BullMQ job map-offline consumes.',
    jobs,
  };
}
