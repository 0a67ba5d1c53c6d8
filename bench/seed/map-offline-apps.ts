import { join } from 'node:path';
import { BenchChild, builtAppEntry, parseJsonLine, startChild } from '../support/child-process';

/** milliseconds for a built app to connect to PostgreSQL and Redis and say it is ready */
const READY_TIMEOUT_MS = 60_000;

/** The gateway and ONE tile-seeder, each its own process from dist, sharing one environment. */
export class MapOfflineApps {
  private constructor(
    readonly gatewayUrl: string,
    private readonly gateway: BenchChild,
    private readonly seeder: BenchChild,
  ) {}

  /**
   * `logDirectory`: write each app's whole output to `<app>-<runLabel>.log` there; `profileDirectory`: run
   * the seeder with --cpu-prof (V8 writes a .cpuprofile there when it stops); `inFlight`: preload
   * in-flight.probe into the seeder, logging its upstream requests in flight to `<file>` every second.
   */
  static async start(
    env: Record<string, string>,
    options: {
      logDirectory?: string;
      profileDirectory?: string;
      inFlight?: { file: string; limit: number };
      runLabel: string;
    },
  ): Promise<MapOfflineApps> {
    const { logDirectory, profileDirectory, inFlight, runLabel } = options;
    const logFile = (app: string): string | undefined =>
      logDirectory === undefined ? undefined : join(logDirectory, `${app}-${runLabel}.log`);
    const gateway = startChild(process.execPath, [builtAppEntry('gateway')], {
      env,
      logFile: logFile('gateway'),
    });
    const profile =
      profileDirectory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`];
    const probe = inFlight === undefined ? [] : ['--require', join(__dirname, 'in-flight.probe.js')];
    const probeEnv =
      inFlight === undefined
        ? {}
        : { BENCH_IN_FLIGHT_LOG: inFlight.file, BENCH_IN_FLIGHT_LIMIT: String(inFlight.limit) };
    const seeder = startChild(process.execPath, [...profile, ...probe, builtAppEntry('tile-seeder')], {
      env: { ...env, ...probeEnv },
      logFile: logFile('tile-seeder'),
    });
    try {
      const [gatewayUrl] = await Promise.all([
        gateway.waitForLine((line) => {
          const entry = parseJsonLine(line);
          return entry?.msg === 'gateway ready' && typeof entry.url === 'string'
            ? new URL(entry.url).origin
            : undefined;
        }, READY_TIMEOUT_MS),
        seeder.waitForLine(
          (line) => (parseJsonLine(line)?.msg === 'worker ready' ? true : undefined),
          READY_TIMEOUT_MS,
        ),
      ]);
      return new MapOfflineApps(gatewayUrl, gateway, seeder);
    } catch (error) {
      await Promise.all([gateway.stop(), seeder.stop()]);
      throw error;
    }
  }

  get seederPid(): number {
    return this.seeder.pid;
  }

  seederOutput(): string {
    return this.seeder.output();
  }

  async stop(): Promise<void> {
    await Promise.all([this.seeder.stop(), this.gateway.stop()]);
  }
}
