// Small process helpers: run a command, read pidfiles, check and stop processes by pid.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Full path of an executable on PATH, or undefined. */
export function findExecutable(name) {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Runs a command to completion and captures its output. `asUser` runs it as that OS user when we are
 * root (PostgreSQL refuses to run as root); otherwise it runs as the current user.
 */
export function runCommand(command, args, options = {}) {
  const { asUser, input, env, cwd, inheritOutput = false } = options;
  const [file, fileArgs] =
    asUser && isRoot ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, fileArgs, {
      cwd: cwd ?? '/',
      env: env ?? process.env,
      stdio: [
        input === undefined ? 'ignore' : 'pipe',
        inheritOutput ? 'inherit' : 'pipe',
        inheritOutput ? 'inherit' : 'pipe',
      ],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Like runCommand, but a non-zero exit becomes an error that carries the command's output. */
export async function runChecked(command, args, options = {}) {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim();
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}${output ? `:\n${output}` : ''}`);
  }
  return result;
}

export function readPidFile(file) {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return error.code === 'EPERM';
  }
}

/**
 * True when the pid is alive and, where /proc exists, its command line mentions `marker`, so a pid
 * recycled by an unrelated process after a reboot is not mistaken for our service.
 */
export function isOurProcess(pid, marker) {
  if (pid === undefined || !isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return !existsSync('/proc/self');
  }
}

export function removeFile(file) {
  rmSync(file, { force: true });
}

/** Sends `signal`, waits up to `timeoutMilliseconds`, then SIGKILL. Returns true when the pid is gone. */
export async function stopProcess(pid, timeoutMilliseconds, signal = 'SIGTERM') {
  if (!isProcessAlive(pid)) return true;
  process.kill(pid, signal);
  if (await waitForExit(pid, timeoutMilliseconds)) return true;
  process.kill(pid, 'SIGKILL');
  return waitForExit(pid, 5_000);
}

export async function waitForExit(pid, timeoutMilliseconds) {
  const deadline = Date.now() + timeoutMilliseconds;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

/** Polls `check` (which returns true when ready) every 200 milliseconds until the deadline. */
export async function waitUntil(check, timeoutMilliseconds) {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

/** The last lines of a log file, for error messages. */
export function tailOfFile(file, lineCount = 15) {
  if (!existsSync(file)) return '(no log file yet)';
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-lineCount).join('\n');
}
