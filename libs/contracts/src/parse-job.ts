import { z } from 'zod';
import { InvalidJobError } from './invalid-job-error';
import { isJobName, JobItem, jobDefinition } from './job-definitions';

/** Turns an untrusted (name, data) pair from Redis into a typed JobItem or a precise InvalidJobError. */
export function parseJob(name: string, data: unknown): JobItem {
  if (!isJobName(name)) throw new InvalidJobError(name, ['unknown job name']);
  const result = jobDefinition(name).payload.safeParse(data);
  if (!result.success) throw new InvalidJobError(name, describeIssues(result.error));
  return { name, data: result.data } as JobItem;
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`,
  );
}
