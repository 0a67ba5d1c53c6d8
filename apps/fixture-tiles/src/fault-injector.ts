import type { TileCoord } from '@map-offline/geo';
import { FaultSettings, FaultSettingsInput, faultSettingsSchema } from './fault-settings.schema';

export type FaultOutcome =
  { kind: 'none' } | { kind: 'error'; status: number; retryAfterSeconds?: number } | { kind: 'html' };

const NO_FAULT: FaultOutcome = { kind: 'none' };
const TWO_TO_32 = 2 ** 32;

/**
 * Decides, per tile request, the added latency and whether it fails. A draw depends only on
 * (seed, request path, how many times this path was asked for since setFaults), not on the order in
 * which concurrent requests arrive, so a seeded run repeats exactly under any concurrency.
 */
export class FaultInjector {
  private settings: FaultSettings;
  private seed = 0;
  private hasRandomFaults = false;
  private readonly attemptsByPath = new Map<string, number>();
  /** "z/x/y" -> failures still to serve, with their status */
  private readonly remainingFailures = new Map<string, { remaining: number; status: number }>();

  constructor(input: FaultSettingsInput = {}) {
    this.settings = faultSettingsSchema.parse(input);
    this.apply(this.settings);
  }

  /** Replaces every fault setting (an empty object turns all faults off) and restarts the counts. */
  set(input: FaultSettingsInput): FaultSettings {
    const settings = faultSettingsSchema.parse(input);
    this.apply(settings);
    return settings;
  }

  current(): FaultSettings {
    return this.settings;
  }

  /** milliseconds to wait before answering this request */
  delayFor(path: string): number {
    const { latencyMs, jitterMs } = this.settings;
    if (jitterMs === 0) return latencyMs;
    return latencyMs + jitterMs * this.draw(path, this.attemptsByPath.get(path) ?? 0, 0x6a09e667);
  }

  /** Counts the request and returns what to answer; call once per tile request. */
  outcomeFor(path: string, tile: TileCoord): FaultOutcome {
    if (this.remainingFailures.size > 0) {
      const failure = this.remainingFailures.get(`${tile.z}/${tile.x}/${tile.y}`);
      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        return this.errorOutcome(failure.status);
      }
    }
    if (!this.hasRandomFaults) return NO_FAULT;
    const attempt = this.attemptsByPath.get(path) ?? 0;
    this.attemptsByPath.set(path, attempt + 1);
    const { errorRate, rateLimitRate, htmlErrorRate } = this.settings;
    const draw = this.draw(path, attempt, 0);
    if (draw < errorRate) return this.errorOutcome(500);
    if (draw < errorRate + rateLimitRate) return this.errorOutcome(429);
    if (draw < errorRate + rateLimitRate + htmlErrorRate) return { kind: 'html' };
    return NO_FAULT;
  }

  private errorOutcome(status: number): FaultOutcome {
    return status === 429
      ? { kind: 'error', status, retryAfterSeconds: this.settings.retryAfterSeconds }
      : { kind: 'error', status };
  }

  private apply(settings: FaultSettings): void {
    this.settings = settings;
    this.seed = settings.seed ?? Math.floor(Math.random() * TWO_TO_32);
    this.hasRandomFaults =
      settings.errorRate > 0 ||
      settings.rateLimitRate > 0 ||
      settings.htmlErrorRate > 0 ||
      settings.jitterMs > 0;
    this.attemptsByPath.clear();
    this.remainingFailures.clear();
    for (const group of settings.failTiles) {
      for (const tile of group.tiles) {
        this.remainingFailures.set(`${tile.z}/${tile.x}/${tile.y}`, {
          remaining: group.times,
          status: group.status,
        });
      }
    }
  }

  /** A number in [0, 1) from FNV-1a over the path, mixed with seed, attempt and salt (murmur3 finaliser). */
  private draw(path: string, attempt: number, salt: number): number {
    let hash = (0x811c9dc5 ^ this.seed ^ salt) >>> 0;
    for (let index = 0; index < path.length; index += 1) {
      hash = Math.imul(hash ^ path.charCodeAt(index), 0x01000193);
    }
    hash = Math.imul(hash ^ attempt, 0x01000193);
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return (hash >>> 0) / TWO_TO_32;
  }
}
