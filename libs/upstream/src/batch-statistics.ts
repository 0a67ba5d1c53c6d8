import type { TransportErrorKind } from './http-transport.port';
import type { TileFetchOutcome, UpstreamBatchStatistics } from './tile-fetch-result';

/** Counts one batch as it runs; snapshot() copies, so callers can read it mid-batch. */
export class BatchStatisticsRecorder {
  private requests = 0;
  private retries = 0;
  private bytesReceived = 0;
  private readonly outcomes: Record<TileFetchOutcome, number> = {
    FETCHED: 0,
    EMPTY: 0,
    NOT_MODIFIED: 0,
    FAILED: 0,
  };
  private readonly statusCounts: Record<string, number> = {};
  private readonly transportErrors: Record<string, number> = {};
  private readonly latencyMilliseconds: number[] = [];
  private elapsedMilliseconds = 0;

  constructor(
    private readonly tiles: number,
    private readonly retryBudget: { readonly allowed: number; readonly used: number },
  ) {}

  /** `latencyMs` in milliseconds, `bodyBytes` in bytes */
  response(status: number, bodyBytes: number, latencyMs: number): void {
    this.requests += 1;
    this.bytesReceived += bodyBytes;
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
    this.latencyMilliseconds.push(latencyMs);
  }

  transportError(kind: TransportErrorKind, latencyMs: number): void {
    this.requests += 1;
    this.transportErrors[kind] = (this.transportErrors[kind] ?? 0) + 1;
    this.latencyMilliseconds.push(latencyMs);
  }

  retry(): void {
    this.retries += 1;
  }

  outcome(outcome: TileFetchOutcome): void {
    this.outcomes[outcome] += 1;
  }

  finish(elapsedMs: number): void {
    this.elapsedMilliseconds = elapsedMs;
  }

  snapshot(): UpstreamBatchStatistics {
    return {
      tiles: this.tiles,
      requests: this.requests,
      retries: this.retries,
      retryBudget: { allowed: this.retryBudget.allowed, used: this.retryBudget.used },
      bytesReceived: this.bytesReceived,
      outcomes: { ...this.outcomes },
      statusCounts: { ...this.statusCounts },
      transportErrors: { ...this.transportErrors },
      latencyMilliseconds: [...this.latencyMilliseconds],
      elapsedMilliseconds: this.elapsedMilliseconds,
    };
  }
}
