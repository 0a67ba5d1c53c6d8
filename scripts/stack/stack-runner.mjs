// up / down / status over the three services, each step bounded in time.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeListener, isPortAccepting } from './network-probe.mjs';
import { ensurePrerequisites } from './prerequisites.mjs';
import { createPostgresService } from './postgres-service.mjs';
import { tailOfFile, waitUntil } from './process-control.mjs';
import { createRedisService } from './redis-service.mjs';
import { createS3Service } from './s3-service.mjs';
import { repositoryRoot, StackError } from './stack-config.mjs';

export function createServices(config) {
  return [createRedisService(config), createPostgresService(config), createS3Service(config)];
}

const relative = (file) => path.relative(repositoryRoot, file);
const seconds = (milliseconds) => `${(milliseconds / 1000).toFixed(1)} s`;

async function portInUseError(config, service) {
  const listener = await describeListener(service.port);
  return new StackError(
    `port ${service.port} for ${service.name} is already in use by another process` +
      `${listener ? ` (${listener})` : ''}, not by this stack.\n` +
      `  Stop that process, or pick another port: ${service.portVariable}=<free port> npm run stack:up\n` +
      `  (export the same ${service.portVariable} when running the tests so they look there too).`,
  );
}

function notReadyError(service, timeoutMilliseconds, detail) {
  return new StackError(
    `${service.name} did not become ready on port ${service.port} within ${seconds(timeoutMilliseconds)}` +
      `${detail ? ` (${detail})` : ''}.\n  Log: ${relative(service.logFile)}\n` +
      tailOfFile(service.logFile)
        .split('\n')
        .map((line) => `  | ${line}`)
        .join('\n'),
  );
}

async function ensureRunning(config, service) {
  const startedAt = Date.now();
  const inspected = await service.inspect();
  let action;
  if (inspected.state === 'running') {
    action = `already running (pid ${inspected.pid})`;
  } else if (inspected.state === 'unresponsive') {
    // Our process is alive but not answering yet: still starting, or recovering after a crash.
    // Started on another port: waiting cannot help.
    if (
      inspected.portMismatch ||
      !(await waitUntil(() => service.isReady(), service.readyTimeoutMilliseconds))
    ) {
      throw new StackError(
        `${service.name} (pid ${inspected.pid}, from .data) is running but not answering on port ${service.port}` +
          `${inspected.detail ? `: ${inspected.detail}` : ''}.\n` +
          `  If you changed ${service.portVariable}, run \`npm run stack:down\` with the old value first.\n` +
          `  Log: ${relative(service.logFile)}`,
      );
    }
    action = `was starting, now running (pid ${inspected.pid})`;
  } else {
    service.removeStaleFiles();
    if (await isPortAccepting(config.host, service.port)) throw await portInUseError(config, service);
    await service.start((message) => console.log(`stack: ${message}`));
    if (!(await waitUntil(() => service.isReady(), service.readyTimeoutMilliseconds))) {
      throw notReadyError(service, service.readyTimeoutMilliseconds);
    }
    const now = await service.inspect();
    action = `started (pid ${now.pid})`;
  }
  await service.afterReady();
  return { service, action, milliseconds: Date.now() - startedAt };
}

/** Runs `task` for every service at once and throws one error naming every failure. */
async function forEveryService(services, task) {
  const results = await Promise.allSettled(services.map((service) => task(service)));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    const message = failures
      .map((error) => (error instanceof Error ? error.message : String(error)))
      .join('\n\n');
    throw failures.every((error) => error instanceof StackError)
      ? new StackError(message)
      : new Error(message);
  }
  return results.map((result) => result.value);
}

export async function stackUp(config, { quiet }) {
  const startedAt = Date.now();
  const log = (message) => console.log(`stack: ${message}`);
  for (const directory of [config.dataDirectory, config.runDirectory, config.logDirectory]) {
    mkdirSync(directory, { recursive: true });
  }
  await ensurePrerequisites(config, log);
  const services = createServices(config);
  const outcomes = await forEveryService(services, (service) => ensureRunning(config, service));
  if (quiet) {
    console.log(
      `stack: up in ${seconds(Date.now() - startedAt)} (${outcomes.map((outcome) => outcome.service.name).join(', ')})`,
    );
    return;
  }
  for (const { service, action, milliseconds } of outcomes) {
    console.log(
      `stack: ${service.name.padEnd(8)} ${action.padEnd(32)} ${service.url}  [${seconds(milliseconds)}]`,
    );
  }
  console.log(`stack: up in ${seconds(Date.now() - startedAt)}; logs in ${relative(config.logDirectory)}/`);
}

export async function stackDown(config) {
  const outcomes = await forEveryService(createServices(config), async (service) => ({
    service,
    ...(await service.stop()),
  }));
  const survivors = outcomes.filter((outcome) => !outcome.stopped);
  for (const { service, wasRunning, stopped, pid } of outcomes) {
    const state = !wasRunning
      ? 'was not running'
      : stopped
        ? `stopped (pid ${pid})`
        : `STILL RUNNING (pid ${pid})`;
    console.log(`stack: ${service.name.padEnd(8)} ${state}`);
  }
  if (survivors.length > 0) {
    throw new StackError(
      `could not stop: ${survivors.map((outcome) => `${outcome.service.name} pid ${outcome.pid}`).join(', ')}`,
    );
  }
}

/** Prints every service; returns true when all are running. */
export async function stackStatus(config) {
  const services = createServices(config);
  const states = await Promise.all(
    services.map(async (service) => ({ service, ...(await service.inspect()) })),
  );
  for (const { service, state, pid, detail } of states) {
    const described = state === 'stopped' ? 'stopped' : `${state} (pid ${pid})${detail ? `: ${detail}` : ''}`;
    console.log(`${service.name.padEnd(8)} ${described.padEnd(24)} ${service.url}`);
  }
  return states.every((entry) => entry.state === 'running');
}
