// The detached process that runs s3rver for the local stack (started by s3-service.mjs).
// Settings come from the same environment variables as the stack script.
import { mkdirSync, writeFileSync } from 'node:fs';
import S3rver from 's3rver';
import { resolveStackConfig } from './stack-config.mjs';

const { host, s3 } = resolveStackConfig();
mkdirSync(s3.dataDirectory, { recursive: true });

const server = new S3rver({
  address: host,
  port: s3.port,
  directory: s3.dataDirectory,
  // One line per request would grow the log by megabytes per test run; STACK_S3_VERBOSE=1 turns it on.
  silent: process.env.STACK_S3_VERBOSE !== '1',
  // Path-style only: a bucket name in the Host header is not how the apps address this server.
  vhostBuckets: false,
  configureBuckets: [{ name: s3.bucket, configs: [] }],
});

const log = (message) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

try {
  await server.run();
} catch (error) {
  log(`s3rver could not start on ${host}:${s3.port}: ${error.message}`);
  process.exit(1);
}
// Lets the stack script tell this server apart from anything else that might answer on the port.
server.httpServer.prependListener('request', (_request, response) => {
  response.setHeader('x-map-offline-stack-pid', String(process.pid));
});
writeFileSync(s3.pidFile, `${process.pid}\n${s3.port}\n`);
log(`s3rver listening on http://${host}:${s3.port}, bucket ${s3.bucket}, data ${s3.dataDirectory}`);

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  server.httpServer.closeAllConnections();
  server.close().then(
    () => process.exit(0),
    () => process.exit(0),
  );
  // milliseconds; a stuck close must not keep `stack:down` waiting
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
