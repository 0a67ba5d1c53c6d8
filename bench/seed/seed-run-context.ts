import type { S3Client } from '@aws-sdk/client-s3';
import type { StackSettings } from '../../test/support/stack-env';
import type { BenchDatabases } from './bench-database';
import type { FixtureServerProcess } from './fixture-server.process';

/** What every run of the seed bench shares: the upstream, the stack, and the settings under test. */
export interface SeedRunContext {
  fixture: FixtureServerProcess;
  databases: BenchDatabases;
  stack: StackSettings;
  s3: S3Client;
  /** the environment the apps start from: this process's, pointed at the stack */
  baseEnv: Record<string, string>;
  /** extra variables for the gateway and the seeder (--env NAME=value), e.g. WORKER_CONCURRENCY */
  seederEnv: Record<string, string>;
  /** --log-dir: where the gateway and seeder of every run write their whole output */
  logDirectory?: string;
  /** --profile: where the seeder of every run writes a V8 CPU profile */
  profileDirectory?: string;
  /** --in-flight-log: where the seeder of every run logs its upstream requests in flight, per second */
  inFlightDirectory?: string;
}
