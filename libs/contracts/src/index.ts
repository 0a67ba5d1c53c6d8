export * from './queue-name';
export * from './job-definitions';
export * from './invalid-job-error';
export * from './parse-job';
export * from './published-schema';
export * from './jobs/common-fields';
export * from './jobs/tile-seeding.jobs';
export * from './job-progress-event';
