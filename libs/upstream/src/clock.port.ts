/** Time for the upstream client, behind a port so retry and rate-limit tests need no real waiting. */
export abstract class UpstreamClock {
  /** milliseconds since the Unix epoch (HTTP dates, expiry instants) */
  abstract now(): number;
  /** milliseconds from an arbitrary origin that never goes backwards (latency, rate windows) */
  abstract monotonicNow(): number;
  /** Resolves after `milliseconds`, or rejects with the signal's reason when it aborts first. */
  abstract sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

/** Uniform numbers in [0, 1), behind a port so backoff jitter is repeatable in tests. */
export abstract class RandomSource {
  abstract next(): number;
}

export class SystemClock extends UpstreamClock {
  now(): number {
    return Date.now();
  }

  monotonicNow(): number {
    return performance.now();
  }

  sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (milliseconds <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, milliseconds);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export class MathRandomSource extends RandomSource {
  next(): number {
    return Math.random();
  }
}

/** The signal's reason when it is an Error, else a DOMException named AbortError. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return isErrorLike(reason) ? reason : new DOMException('the operation was aborted', 'AbortError');
}

/** True for the rejection a port gives when `signal` aborts (not for an unrelated failure at that moment). */
export function isAbortOf(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (error === signal.reason || (isErrorLike(error) && error.name === 'AbortError'));
}

// Structural, not instanceof: DOMException and errors from another realm (jest, workers) fail instanceof Error.
function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { name?: unknown }).name === 'string' &&
      typeof (value as { message?: unknown }).message === 'string')
  );
}
