import type { UpstreamClock } from './clock.port';

/**
 * A pause per source, shared by every batch of the process: when an upstream answers with
 * Retry-After (429, 503), no batch sends it anything until then, not only the tile that was told.
 */
export class SourceCoolDown {
  /** key -> monotonic milliseconds until which requests wait */
  private readonly until = new Map<string, number>();

  constructor(private readonly clock: UpstreamClock) {}

  /** Extends the pause to `monotonicMs`; never shortens it. */
  pauseUntil(key: string, monotonicMs: number): void {
    if (monotonicMs > (this.until.get(key) ?? 0)) this.until.set(key, monotonicMs);
  }

  /** True while a pause for `key` may still be running; a cheap check before awaiting wait(). */
  isPaused(key: string): boolean {
    return this.until.has(key);
  }

  /** Resolves at once when `key` is not paused; rejects with the signal's reason on abort. */
  async wait(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const until = this.until.get(key);
      if (until === undefined) return;
      const remaining = until - this.clock.monotonicNow();
      if (remaining <= 0) {
        if (this.until.get(key) === until) this.until.delete(key);
        return;
      }
      await this.clock.sleep(Math.ceil(remaining), signal);
    }
  }
}
