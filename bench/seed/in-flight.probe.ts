/*
 * Preloaded into the seeder by `--in-flight-log DIR` (node --require): counts the upstream requests in
 * flight through undici's Agent.dispatch and writes one line a second to BENCH_IN_FLIGHT_LOG:
 * requests started, time-weighted mean in flight, the share of time below the concurrency limit and at
 * zero, event-loop delay and the process's CPU. At 20 ms latency every moment below the limit is lost
 * throughput, so this tells stalls (between batches, at start and end) from slow requests (a busy loop).
 * Bench-only: the apps never load it.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';

/** milliseconds per reported window; BENCH_IN_FLIGHT_WINDOW_MS shortens it to see short stalls */
const WINDOW_MS = Number(process.env.BENCH_IN_FLIGHT_WINDOW_MS ?? '1000');

const logFile = process.env.BENCH_IN_FLIGHT_LOG;
const limit = Number(process.env.BENCH_IN_FLIGHT_LIMIT ?? '0');

class InFlightMeter {
  private inFlight = 0;
  private lastChange = performance.now();
  private windowStart = this.lastChange;
  /** request-milliseconds: the integral of requests in flight over the window */
  private weighted = 0;
  /** milliseconds with fewer than `limit` requests in flight */
  private belowLimitMs = 0;
  private idleMs = 0;
  private started = 0;
  private cpu = process.cpuUsage();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 5 });
  private reporting = false;

  constructor(private readonly file: string) {}

  start(): void {
    // Windows start at the first request, so the first line is not diluted by the idle time before the job.
    if (!this.reporting) this.beginReporting();
    this.advance();
    this.inFlight += 1;
    this.started += 1;
  }

  end(): void {
    this.advance();
    this.inFlight -= 1;
  }

  private beginReporting(): void {
    this.reporting = true;
    this.lastChange = performance.now();
    this.windowStart = this.lastChange;
    this.cpu = process.cpuUsage();
    this.loopDelay.enable();
    setInterval(() => this.report(), WINDOW_MS).unref();
  }

  private advance(): void {
    const now = performance.now();
    const elapsed = now - this.lastChange;
    this.weighted += elapsed * this.inFlight;
    if (this.inFlight < limit) this.belowLimitMs += elapsed;
    if (this.inFlight === 0) this.idleMs += elapsed;
    this.lastChange = now;
  }

  private report(): void {
    this.advance();
    const span = this.lastChange - this.windowStart;
    if (this.started > 0 || this.inFlight > 0) {
      const cpu = process.cpuUsage(this.cpu);
      const percent = (milliseconds: number): string => `${((100 * milliseconds) / span).toFixed(0)}%`;
      // The histogram counts from one timer expiry to the next, so its values include the 5 ms resolution.
      const delay = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(1);
      appendFileSync(
        this.file,
        `${new Date().toISOString()} started=${this.started} mean_in_flight=${(this.weighted / span).toFixed(1)} ` +
          `below_limit=${percent(this.belowLimitMs)} none=${percent(this.idleMs)} ` +
          `loop_delay_ms p50=${delay(this.loopDelay.percentile(50))} p99=${delay(this.loopDelay.percentile(99))} ` +
          `max=${delay(this.loopDelay.max)} cpu_ms=${((cpu.user + cpu.system) / 1000).toFixed(0)}\n`,
      );
    }
    this.windowStart = this.lastChange;
    this.weighted = 0;
    this.belowLimitMs = 0;
    this.idleMs = 0;
    this.started = 0;
    this.cpu = process.cpuUsage();
    this.loopDelay.reset();
  }
}

/** Counts the request from dispatch until its handler hears the end (complete or error), once. */
function instrument(meter: InFlightMeter): void {
  const original = Agent.prototype.dispatch;
  Agent.prototype.dispatch = function dispatch(
    this: Agent,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandlers,
  ): boolean {
    meter.start();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      meter.end();
    };
    const onComplete = handler.onComplete?.bind(handler);
    const onError = handler.onError?.bind(handler);
    handler.onComplete = (trailers) => {
      end();
      onComplete?.(trailers);
    };
    handler.onError = (error) => {
      end();
      onError?.(error);
    };
    return original.call(this, options, handler);
  };
}

if (logFile !== undefined && logFile !== '') instrument(new InFlightMeter(logFile));
