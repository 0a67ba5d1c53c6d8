#!/usr/bin/env node
// Checks docker/docker-compose.yml without a Docker engine or the compose plugin: it parses, every
// depends_on names a real service, every long-running service has a health check, and every app runs confined
// (read-only root, no capabilities) with time to drain on stop.
// Uses js-yaml, which is already in node_modules (through eslint); no extra dependency.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.join(here, 'docker-compose.yml');
const yaml = createRequire(path.join(here, '..', 'package.json'))('js-yaml');

const expectedServices = [
  'redis',
  'postgres',
  'minio',
  'minio-bucket',
  'migrate',
  'gateway',
  'tile-seeder',
  'packager',
  'sync-merger',
  'fixture-tiles',
];
const oneShotServices = new Set(['minio-bucket', 'migrate']);

const document = yaml.load(readFileSync(file, 'utf8'));
const services = document?.services ?? {};
const problems = [];
for (const name of expectedServices) {
  if (!(name in services)) problems.push(`service ${name} is missing`);
}
for (const [name, service] of Object.entries(services)) {
  if (!service.image && !service.build) problems.push(`${name}: neither image nor build`);
  const dependencies = Array.isArray(service.depends_on)
    ? service.depends_on
    : Object.keys(service.depends_on ?? {});
  for (const dependency of dependencies) {
    if (!(dependency in services)) problems.push(`${name}: depends_on unknown service ${dependency}`);
  }
  if (!oneShotServices.has(name) && !service.healthcheck) problems.push(`${name}: no healthcheck`);
  const command = Array.isArray(service.command) ? service.command.join(' ') : String(service.command ?? '');
  if (/dist\/apps\/(gateway|tile-seeder|packager|sync-merger)\//.test(command)) {
    if (service.read_only !== true) problems.push(`${name}: root filesystem is not read_only`);
    if (!(service.cap_drop ?? []).includes('ALL')) problems.push(`${name}: does not drop ALL capabilities`);
    // seconds: the drain (SHUTDOWN_GRACE_MS, 30 s by default) and closing must fit before compose kills it
    if (durationSeconds(service.stop_grace_period ?? '10s') < 35) {
      problems.push(`${name}: stop_grace_period is shorter than the 30 s job drain plus closing`);
    }
  }
  for (const port of service.ports ?? []) {
    if (!String(port).startsWith('127.0.0.1:'))
      problems.push(`${name}: port ${port} is not bound to 127.0.0.1`);
  }
}
/** Compose durations such as "45s", "1m30s" in seconds. */
function durationSeconds(value) {
  let seconds = 0;
  for (const [, amount, unit] of String(value).matchAll(/(\d+)(h|m|s)/g)) {
    seconds += Number(amount) * { h: 3600, m: 60, s: 1 }[unit];
  }
  return seconds;
}

if (problems.length > 0) {
  console.error(`${path.relative(process.cwd(), file)} has problems:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${path.relative(process.cwd(), file)}: ${Object.keys(services).length} services, parsed and consistent`,
);
