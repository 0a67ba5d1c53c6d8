import { JobRunRepository } from '@map-offline/entities';

/** milliseconds between checks of the run's state while a build works */
const CHECK_INTERVAL_MS = 1_000;

export type StopReason = 'cancelled' | 'paused';

/**
 * Watches a build's job run in PostgreSQL (where cancelJob and pauseJob write) and aborts the build's
 * signal when the run is cancelled or paused, so the writers stop between tiles and clean up.
 */
export class RunStateWatcher {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  stopReason: StopReason | undefined;

  constructor(
    private readonly jobRuns: JobRunRepository,
    private readonly organisationId: string,
    private readonly jobRunId: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): this {
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    try {
      const run = await this.jobRuns.find(this.organisationId, this.jobRunId);
      const state = run?.state;
      if (state === 'cancelled' || state === 'paused' || run === null) {
        this.stopReason = state === 'paused' ? 'paused' : 'cancelled';
        this.stop();
        this.controller.abort(new Error(`job run ${this.jobRunId} was ${this.stopReason}`));
      }
    } catch {
      // A missed check is retried on the next tick; the build itself reports database failures.
    }
  }
}
