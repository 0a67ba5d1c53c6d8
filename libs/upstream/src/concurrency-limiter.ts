import { abortReason } from './clock.port';

/** Gives back a slot; calling it more than once has no further effect. */
export type ReleaseSlot = () => void;

/**
 * Bounds the requests in flight per key (a tile source) across every batch of the process.
 * A port so tests can observe or fake it; LocalConcurrencyLimiter is the real one.
 */
export abstract class UpstreamConcurrencyLimiter {
  /**
   * Resolves with a release function once fewer than `limit` slots of `key` are held; waiters are served
   * first come, first served. Rejects with the signal's reason if it aborts while waiting.
   */
  abstract acquire(key: string, limit: number, signal?: AbortSignal): Promise<ReleaseSlot>;
  /** A slot at once when one is free and nobody is queued, else undefined (then call acquire). */
  abstract tryAcquire(key: string, limit: number): ReleaseSlot | undefined;
  /** Slots of `key` held right now. */
  abstract inFlight(key: string): number;
}

interface Waiter {
  grant: (release: ReleaseSlot) => void;
  /** set when the waiter gave up (abort), so the grant passes to the next one */
  cancelled: boolean;
}

class KeyState {
  held = 0;
  limit = 1;
  /** FIFO; `head` avoids shifting the array on every grant */
  waiters: Waiter[] = [];
  head = 0;
}

/** An in-process FIFO semaphore per key. The latest limit passed for a key applies (a source edit takes effect). */
export class LocalConcurrencyLimiter extends UpstreamConcurrencyLimiter {
  private readonly states = new Map<string, KeyState>();

  tryAcquire(key: string, limit: number): ReleaseSlot | undefined {
    const state = this.stateOf(key, limit);
    if (state.held >= state.limit || state.head !== state.waiters.length) return undefined;
    state.held += 1;
    return this.releaser(key, state);
  }

  acquire(key: string, limit: number, signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const immediate = this.tryAcquire(key, limit);
    if (immediate) return Promise.resolve(immediate);
    const queued = this.stateOf(key, limit);
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = {
        cancelled: false,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        waiter.cancelled = true;
        reject(abortReason(signal));
        this.grantWaiting(key, queued);
      };
      queued.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private stateOf(key: string, limit: number): KeyState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = new KeyState();
      this.states.set(key, state);
    }
    state.limit = Math.max(1, Math.floor(limit));
    return state;
  }

  inFlight(key: string): number {
    return this.states.get(key)?.held ?? 0;
  }

  private releaser(key: string, state: KeyState): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.held -= 1;
      this.grantWaiting(key, state);
    };
  }

  private grantWaiting(key: string, state: KeyState): void {
    while (state.held < state.limit && state.head < state.waiters.length) {
      const waiter = state.waiters[state.head];
      state.head += 1;
      if (waiter.cancelled) continue;
      state.held += 1;
      waiter.grant(this.releaser(key, state));
    }
    if (state.head === state.waiters.length) {
      state.waiters = [];
      state.head = 0;
      // Forget idle keys so a long-lived process does not keep one entry per source forever.
      if (state.held === 0 && this.states.get(key) === state) this.states.delete(key);
    } else if (state.head > 1024 && state.head * 2 > state.waiters.length) {
      state.waiters = state.waiters.slice(state.head);
      state.head = 0;
    }
  }
}
