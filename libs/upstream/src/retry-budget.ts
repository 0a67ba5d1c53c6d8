export interface RetryBudgetSettings {
  /** extra attempts every batch may make, however small */
  minimumRetries: number;
  /** extra attempts as a share of the batch's tiles (0.1 = 10 %) */
  retryRatio: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetSettings = { minimumRetries: 20, retryRatio: 0.1 };

/**
 * Extra attempts a batch may spend on retries in total. During an upstream outage every tile would
 * otherwise retry up to its attempt limit; the budget caps the extra load at a share of the batch, and
 * the rest is reported as failed for a later run.
 */
export class RetryBudget {
  private spent = 0;

  constructor(readonly allowed: number) {}

  static forBatch(tileCount: number, settings: RetryBudgetSettings = DEFAULT_RETRY_BUDGET): RetryBudget {
    return new RetryBudget(Math.max(settings.minimumRetries, Math.ceil(tileCount * settings.retryRatio)));
  }

  /** Takes one retry; false when none is left. */
  tryTake(): boolean {
    if (this.spent >= this.allowed) return false;
    this.spent += 1;
    return true;
  }

  get used(): number {
    return this.spent;
  }
}
