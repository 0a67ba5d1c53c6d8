import { abortReason } from './clock.port';

/** Gives back a slot; calling it more than once has no further effect. */
export type ReleaseSlot = () => void;

/**
 * Bounds the requests in flight per key (a tile source) across every batch of the process.
 * A port so tests can observe or fake it; LocalConcurrencyLimiter is the real one.
 */
export abstract class UpstreamConcurrencyLimiter {
  /**
   * Resolves with a release function once fewer than `limit` slots of `key` are held. Waiters with a
   * lower `priority` are served first, equal priorities first come, first served (the default priority 0
   * makes it a plain FIFO). Rejects with the signal's reason if it aborts while waiting.
   */
  abstract acquire(key: string, limit: number, signal?: AbortSignal, priority?: number): Promise<ReleaseSlot>;
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

/** The waiters of one priority, FIFO; `head` avoids shifting the array on every grant. */
class PriorityQueue {
  waiters: Waiter[] = [];
  head = 0;

  constructor(readonly priority: number) {}

  get isEmpty(): boolean {
    return this.head === this.waiters.length;
  }
}

class KeyState {
  held = 0;
  limit = 1;
  /** One FIFO per priority in use, lowest priority first (a handful: one per batch in progress). */
  queues: PriorityQueue[] = [];
  /** waiters queued, cancelled ones included until they are skipped */
  queued = 0;

  queueFor(priority: number): PriorityQueue {
    // Batches start in priority order, so the new queue almost always belongs at the end.
    let index = this.queues.length;
    while (index > 0 && this.queues[index - 1].priority > priority) index -= 1;
    if (index > 0 && this.queues[index - 1].priority === priority) return this.queues[index - 1];
    const queue = new PriorityQueue(priority);
    this.queues.splice(index, 0, queue);
    return queue;
  }
}

/**
 * An in-process semaphore per key. The latest limit passed for a key applies (a source edit takes effect).
 * The seeder gives each batch its start order as priority: the oldest batch's tiles go first, so batches
 * finish fetching one after another and each one's hashing, upload and commit overlap the next ones'
 * requests, instead of every batch fetching at a trickle and all of them committing at once.
 */
export class LocalConcurrencyLimiter extends UpstreamConcurrencyLimiter {
  private readonly states = new Map<string, KeyState>();

  tryAcquire(key: string, limit: number): ReleaseSlot | undefined {
    const state = this.stateOf(key, limit);
    if (state.held >= state.limit || state.queued > 0) return undefined;
    state.held += 1;
    return this.releaser(key, state);
  }

  acquire(key: string, limit: number, signal?: AbortSignal, priority = 0): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const immediate = this.tryAcquire(key, limit);
    if (immediate) return Promise.resolve(immediate);
    const state = this.stateOf(key, limit);
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
        this.grantWaiting(key, state);
      };
      state.queueFor(priority).waiters.push(waiter);
      state.queued += 1;
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
    while (state.held < state.limit && state.queues.length > 0) {
      const queue = state.queues[0];
      if (queue.isEmpty) {
        state.queues.shift();
        continue;
      }
      const waiter = queue.waiters[queue.head];
      queue.head += 1;
      state.queued -= 1;
      if (queue.isEmpty) state.queues.shift();
      else if (queue.head > 1024 && queue.head * 2 > queue.waiters.length) {
        queue.waiters = queue.waiters.slice(queue.head);
        queue.head = 0;
      }
      if (waiter.cancelled) continue;
      state.held += 1;
      waiter.grant(this.releaser(key, state));
    }
    // Forget idle keys so a long-lived process does not keep one entry per source forever.
    if (state.queued === 0 && state.held === 0 && this.states.get(key) === state) this.states.delete(key);
  }
}
