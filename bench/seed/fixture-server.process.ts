import type { FixtureTileStats } from '@map-offline/fixture-tiles';
import { BenchChild, builtAppEntry, parseJsonLine, startChild } from '../support/child-process';
import { processCpuMilliseconds } from '../support/process-tree.sampler';
import type { SeedArea } from './seed-area';

/** milliseconds to prerender the bench area (about 12 s for 20,000 tiles on two cores) and start listening */
const START_TIMEOUT_MS = 180_000;
/** bytes the fixture keeps in memory: the whole prerendered area with room to spare (about 60 MB used) */
const CACHE_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * The upstream for every contender: the fixture tile server in its own process (so its CPU is not
 * billed to the bench's raw loop), with the bench area prerendered so rendering is never the bottleneck.
 */
export class FixtureServerProcess {
  private constructor(
    private readonly child: BenchChild,
    readonly url: string,
  ) {}

  static async start(area: SeedArea): Promise<FixtureServerProcess> {
    const child = startChild(process.execPath, [builtAppEntry('fixture-tiles')], {
      env: {
        ...process.env,
        FIXTURE_TILES_HOST: '127.0.0.1',
        FIXTURE_TILES_PORT: '0',
        FIXTURE_TILES_PRERENDER_ZOOMS: `${area.minZoom}-${area.maxZoom}`,
        FIXTURE_TILES_PRERENDER_BBOX: area.bbox.join(','),
        FIXTURE_TILES_CACHE_MAX_BYTES: String(CACHE_MAX_BYTES),
      },
    });
    try {
      const url = await child.waitForLine((line) => {
        const templates = parseJsonLine(line)?.templates as { png?: string } | undefined;
        return templates?.png === undefined ? undefined : new URL(templates.png).origin;
      }, START_TIMEOUT_MS);
      return new FixtureServerProcess(child, url);
    } catch (error) {
      await child.stop();
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid;
  }

  /** The XYZ template of the `basic` PNG style, in the {z}/{x}/{y} notation tile sources use. */
  get pngTemplate(): string {
    return `${this.url}/basic/{z}/{x}/{y}.png`;
  }

  /** milliseconds of CPU (user + system) the fixture process has used so far */
  cpuMilliseconds(): number {
    return processCpuMilliseconds(this.child.pid);
  }

  async setLatency(latencyMs: number): Promise<void> {
    await this.control('POST', '/__faults', { latencyMs });
  }

  async resetStats(): Promise<void> {
    await this.control('POST', '/__reset');
  }

  async stats(): Promise<FixtureTileStats> {
    return (await this.control('GET', '/__stats')) as FixtureTileStats;
  }

  async stop(): Promise<void> {
    await this.child.stop();
  }

  private async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fixture ${method} ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text);
  }
}
