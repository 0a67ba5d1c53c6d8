import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

/** characters of output kept per process for error messages (the tail) */
const OUTPUT_TAIL_CHARACTERS = 20_000;

export interface BenchChild {
  pid: number;
  child: ChildProcess;
  /** The last OUTPUT_TAIL_CHARACTERS of stdout and stderr together. */
  output(): string;
  /** Resolves with the first stdout/stderr line `match` accepts; rejects if the process exits first or on timeout. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs` milliseconds; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Every child still running, so a bench stopped by a signal can stop them (see stopAllChildren). */
const running = new Set<BenchChild>();

/** Stops every child a bench started and that is still running (on SIGINT/SIGTERM, or after a failure). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(5_000)));
}

/** Starts a command for a bench with piped output, so it can be watched and its tail shown on failure. */
export function startChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string } = {},
): BenchChild {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  // The whole output, for profiling a run afterwards (the tail alone is kept in memory).
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile);
  let tail = '';
  let partial = '';
  const lineListeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer): void => {
    log?.write(chunk);
    const text = chunk.toString();
    tail = (tail + text).slice(-OUTPUT_TAIL_CHARACTERS);
    if (lineListeners.size === 0) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) for (const listener of lineListeners) listener(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitedAlready = false;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedAlready = true;
      log?.end();
      resolve(code ?? signal ?? 'unknown');
    }),
  );

  const waitForLine = <T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        clearTimeout(timer);
        lineListeners.delete(listener);
        outcome();
      };
      const listener = (line: string): void => {
        const value = match(line);
        if (value !== undefined) finish(() => resolve(value));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${command}: no expected line within ${timeoutMs} ms\n${tail}`))),
        timeoutMs,
      );
      lineListeners.add(listener);
      void exited.then((code) =>
        finish(() => reject(new Error(`${command} exited (${code}) before it was ready\n${tail}`))),
      );
    });

  const stop = async (graceMs = 15_000): Promise<void> => {
    if (exitedAlready) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(killer);
  };

  const started: BenchChild = { pid: child.pid, child, output: () => tail, waitForLine, exited, stop };
  running.add(started);
  void exited.then(() => running.delete(started));
  return started;
}

/** Entry point of a built app: `dist/apps/<app>/src/main.js` (bench runs from dist/bench). */
export function builtAppEntry(app: string): string {
  return join(__dirname, '..', '..', 'apps', app, 'src', 'main.js');
}

/** A JSON log line (pino, or the fixture server's) as an object; undefined for anything else. */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
