/** A dependency the process needs before it can do useful work (Redis, PostgreSQL, object storage). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  /** "ok", or why the dependency is not usable */
  checks: Record<string, string>;
}

/**
 * Readiness for load balancers and Kubernetes. Draining flips first on SIGTERM so traffic and new jobs
 * stop arriving before anything is closed.
 */
export class Readiness {
  private draining = false;

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly timeoutMs = 2_000,
  ) {}

  startDraining(): void {
    this.draining = true;
  }

  isDraining(): boolean {
    return this.draining;
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (check) => [check.name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(results);
    const healthy = results.every(([, result]) => result === 'ok');
    return { ready: healthy && !this.draining, draining: this.draining, checks };
  }

  private async run(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
    });
    try {
      return await Promise.race([check.check().then(() => 'ok' as const), timeout]);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
