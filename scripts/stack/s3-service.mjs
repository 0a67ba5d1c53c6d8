// s3rver, an S3-compatible server in Node, run as a detached background process with its own pidfile.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpGet } from './network-probe.mjs';
import { isOurProcess, readPidFile, removeFile, stopProcess } from './process-control.mjs';
import { repositoryRoot } from './stack-config.mjs';

const serverScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3-server.mjs');

/** The pidfile's second line is the port the server was started on. */
function readRecordedPort(pidFile) {
  try {
    const port = Number(readFileSync(pidFile, 'utf8').split('\n')[1]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

async function answeringPid(endpoint) {
  try {
    const response = await httpGet(`${endpoint}/`);
    const header = response.headers['x-map-offline-stack-pid'];
    return response.status === 200 && typeof header === 'string' ? Number(header) : undefined;
  } catch {
    return undefined;
  }
}

export function createS3Service(config) {
  const { s3 } = config;
  const ownPid = () => {
    const pid = readPidFile(s3.pidFile);
    return isOurProcess(pid, 's3-server.mjs') ? pid : undefined;
  };
  return {
    name: 's3rver',
    url: `${s3.endpoint} (bucket ${s3.bucket})`,
    port: s3.port,
    portVariable: s3.portVariable,
    logFile: s3.logFile,
    readyTimeoutMilliseconds: 20_000,

    async inspect() {
      const pid = ownPid();
      if (pid === undefined) return { state: 'stopped' };
      const answering = await answeringPid(s3.endpoint);
      if (answering === pid) return { state: 'running', pid };
      const recordedPort = readRecordedPort(s3.pidFile);
      if (recordedPort !== undefined && recordedPort !== s3.port) {
        return {
          state: 'unresponsive',
          pid,
          detail: `it listens on port ${recordedPort}`,
          portMismatch: true,
        };
      }
      return { state: 'unresponsive', pid };
    },

    async isReady() {
      const pid = ownPid();
      return pid !== undefined && (await answeringPid(s3.endpoint)) === pid;
    },

    removeStaleFiles() {
      removeFile(s3.pidFile);
    },

    async start() {
      mkdirSync(config.runDirectory, { recursive: true });
      mkdirSync(config.logDirectory, { recursive: true });
      const logDescriptor = openSync(s3.logFile, 'a');
      const child = spawn(process.execPath, [serverScript], {
        cwd: repositoryRoot,
        detached: true,
        env: process.env,
        stdio: ['ignore', logDescriptor, logDescriptor],
      });
      closeSync(logDescriptor);
      // The server rewrites this once it listens; writing it now lets `down` find a server that is still starting.
      writeFileSync(s3.pidFile, `${child.pid}\n${s3.port}\n`);
      child.unref();
    },

    async afterReady() {},

    async stop() {
      const pid = ownPid();
      if (pid === undefined) {
        removeFile(s3.pidFile);
        return { wasRunning: false, stopped: true };
      }
      const stopped = await stopProcess(pid, 10_000, 'SIGTERM');
      if (stopped) removeFile(s3.pidFile);
      return { wasRunning: true, stopped, pid };
    },
  };
}
