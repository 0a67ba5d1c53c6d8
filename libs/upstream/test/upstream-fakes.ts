import {
  RandomSource,
  TileHttpTransport,
  TransportRequest,
  TransportResponse,
  UpstreamClock,
  abortReason,
} from '@map-offline/upstream';

/** Virtual time: sleep() advances the clock by the delay at once and records it (milliseconds). */
export class InstantClock extends UpstreamClock {
  readonly sleeps: number[] = [];

  constructor(public current = Date.UTC(2025, 0, 1)) {
    super();
  }

  now(): number {
    return this.current;
  }

  monotonicNow(): number {
    return this.current;
  }

  async sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    this.sleeps.push(milliseconds);
    this.current += Math.max(0, milliseconds);
    // Let other tasks run, as a real timer would.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw abortReason(signal);
  }
}

/** Always the same number in [0, 1). */
export class FixedRandom extends RandomSource {
  constructor(private readonly value: number) {
    super();
  }

  next(): number {
    return this.value;
  }
}

export type FakeAnswer =
  TransportResponse | Error | ((request: TransportRequest) => TransportResponse | Error);

/** Answers from a script per URL path (the last answer repeats); records every request. */
export class ScriptedTransport extends TileHttpTransport {
  readonly requests: TransportRequest[] = [];
  private readonly scripts = new Map<string, FakeAnswer[]>();
  private readonly served = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  closed = false;

  constructor(
    private readonly fallback: FakeAnswer,
    /** milliseconds of real time each request takes, so concurrency can be observed */
    private readonly delayMs = 0,
  ) {
    super();
  }

  script(path: string, answers: FakeAnswer[]): this {
    this.scripts.set(path, answers);
    return this;
  }

  async get(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      else await Promise.resolve();
      const answers = this.scripts.get(request.path);
      const count = this.served.get(request.path) ?? 0;
      this.served.set(request.path, count + 1);
      const answer = answers ? answers[Math.min(count, answers.length - 1)] : this.fallback;
      const resolved = typeof answer === 'function' ? answer(request) : answer;
      if (resolved instanceof Error) throw resolved;
      return resolved;
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  requestsFor(path: string): TransportRequest[] {
    return this.requests.filter((request) => request.path === path);
  }
}

export const PNG_BYTES = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

export function response(
  status: number,
  headers: Record<string, string> = {},
  body: Buffer = Buffer.alloc(0),
): TransportResponse {
  return { status, headers, body };
}

export function png(headers: Record<string, string> = {}): TransportResponse {
  return response(200, { 'content-type': 'image/png', ...headers }, PNG_BYTES);
}
