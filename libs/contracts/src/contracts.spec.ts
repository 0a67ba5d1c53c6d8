import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidJobError } from './invalid-job-error';
import { jobNamesOfQueue } from './job-definitions';
import { parseJob } from './parse-job';
import { publishedJobSchema } from './published-schema';
import { QueueName } from './queue-name';

const PUBLISHED_SCHEMA_PATH = join(__dirname, '..', 'schema', 'jobs.schema.json');

describe('job contracts', () => {
  const valid = {
    organisationId: 'demo',
    jobRunId: '6f1c3f3e-8f6e-4b59-9a55-3d8f2f0c9a11',
    regionId: '0b9d0f0e-2b1e-4a43-8e0e-4a1f6c9f7d22',
    zoom: 12,
    offset: 0,
    count: 500,
  };

  it('accepts a valid payload and returns it typed', () => {
    expect(parseJob('seed-batch', valid)).toEqual({ name: 'seed-batch', data: valid });
  });

  it('names every bad field and its limit', () => {
    let caught: unknown;
    try {
      parseJob('seed-batch', { ...valid, zoom: 30, count: 5000, organisationId: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidJobError);
    const message = (caught as InvalidJobError).message;
    expect(message).toContain('zoom: must be at most 24');
    expect(message).toContain('count: must be at most 1000');
    expect(message).toContain('organisationId: must not be empty');
  });

  it('refuses unknown job names and unknown fields', () => {
    expect(() => parseJob('drop-database', {})).toThrow(
      'job "drop-database" does not match its contract: unknown job name',
    );
    expect(() => parseJob('seed-batch', { ...valid, extra: true })).toThrow(InvalidJobError);
  });

  it('maps each job to one queue', () => {
    expect(jobNamesOfQueue(QueueName.TileSeeding).sort()).toEqual([
      'release-region',
      'seed-batch',
      'seed-region',
    ]);
  });

  // The published file is what outside producers validate against; it must match the code.
  // Run with UPDATE_JOB_SCHEMA=1 to rewrite it after changing a payload.
  it('keeps libs/contracts/schema/jobs.schema.json current', () => {
    const generated = `${JSON.stringify(publishedJobSchema(), null, 2)}\n`;
    if (process.env.UPDATE_JOB_SCHEMA === '1') writeFileSync(PUBLISHED_SCHEMA_PATH, generated);
    // Compared as JSON, so a formatter may lay the file out as it likes.
    expect(JSON.parse(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8'))).toEqual(JSON.parse(generated));
  });
});
