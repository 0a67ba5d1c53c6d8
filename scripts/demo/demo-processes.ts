import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface DemoProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LOG_DIRECTORY = path.join(ROOT, '.data', 'logs');

/** Starts one app from dist with its output in .data/logs/demo-<name>.log. */
export function startDemoProcess(name: string, entry: string, env: Record<string, string>): DemoProcess {
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  const logFile = path.join(LOG_DIRECTORY, `demo-${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { name, child, logFile };
}

/** SIGTERM to every process, then waits (bounded) for each to exit; SIGKILL for any that does not. */
export async function stopDemoProcesses(processes: DemoProcess[], timeoutMs = 20_000): Promise<void> {
  await Promise.all(
    processes.map(
      (entry) =>
        new Promise<void>((resolve) => {
          if (entry.child.exitCode !== null) return resolve();
          const timer = setTimeout(() => {
            entry.child.kill('SIGKILL');
            resolve();
          }, timeoutMs);
          entry.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          entry.child.kill('SIGTERM');
        }),
    ),
  );
}

/** Waits until url answers 200, failing with the process's log path if it exits or times out. */
export async function waitUntilReady(entry: DemoProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.child.exitCode !== null) {
      throw new Error(`${entry.name} exited with code ${entry.child.exitCode}; see ${entry.logFile}`);
    }
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${entry.name} was not ready at ${url} within ${timeoutMs} ms; see ${entry.logFile}`);
}
