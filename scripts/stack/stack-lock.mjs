// Serialises stack commands: several engineers and jest projects may run `up` at the same moment, and
// two concurrent first starts would both run initdb on the same directory.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { StackError } from './stack-config.mjs';
import { isOurProcess, sleep } from './process-control.mjs';

function lockHolder(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock (waiting up to `timeoutMilliseconds`) and returns a function that releases it. */
export async function acquireStackLock(file, timeoutMilliseconds, log) {
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMilliseconds;
  let reported = false;
  for (;;) {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(file);
    if (holder === undefined || !isOurProcess(holder, 'stack.mjs')) {
      // Left behind by a killed stack command.
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StackError(
        `another stack command (pid ${holder}) has held ${file} for too long; is it stuck?`,
      );
    }
    if (!reported) {
      log(`waiting for another stack command (pid ${holder}) to finish`);
      reported = true;
    }
    await sleep(250);
  }
  const release = () => {
    if (lockHolder(file) === process.pid) rmSync(file, { force: true });
  };
  process.once('exit', release);
  return release;
}
