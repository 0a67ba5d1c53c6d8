import { performance } from 'node:perf_hooks';

/** Times the phases of one merge: each mark records the time since the previous one, in seconds. */
export class PhaseClock {
  private last = performance.now();

  constructor(private readonly record: (phase: string, seconds: number) => void = () => undefined) {}

  mark(phase: string): void {
    const now = performance.now();
    this.record(phase, (now - this.last) / 1000);
    this.last = now;
  }
}
