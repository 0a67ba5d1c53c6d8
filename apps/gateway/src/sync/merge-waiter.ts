import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@map-offline/config';
import {
  createRedisConnection,
  SyncMergedMessage,
  syncMergedChannel,
  syncMergedKey,
} from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';

/** milliseconds between database checks when Redis cannot tell us */
const POLL_INTERVAL_MS = 250;
/**
 * milliseconds between database checks while subscribed: a message lost (Redis restarted between the
 * merge and the publish, or a sync-merger older than the sync-merged channel) costs at most this
 */
const SUBSCRIBED_CHECK_INTERVAL_MS = 5_000;
/** milliseconds to wait for the subscription before polling instead */
const SUBSCRIBE_TIMEOUT_MS = 1_000;

/**
 * Lets syncResult wait (long-poll) until a batch is merged. Sync-mergers announce merged batches on
 * the deployment's sync-merged channel after commit; the gateway subscribes to it once (not once per
 * waiting request: two Redis round trips saved per wait) and wakes the waiters of the batches named.
 * Without Redis it falls back to checking the database every POLL_INTERVAL_MS.
 */
@Injectable()
export class MergeWaiter implements OnApplicationShutdown {
  private subscriber?: Redis;
  private subscription?: Promise<boolean>;
  private readonly wakers = new Map<string, Set<() => void>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Checks `isDone` (first at once), waking on the batch's announcement, until it says so or `timeoutMs`
   * milliseconds have passed. The waker is registered before the first check, so a merge that commits
   * in between is not missed.
   */
  async wait(
    organisationId: string,
    batchId: string,
    timeoutMs: number,
    isDone: () => Promise<boolean>,
  ): Promise<void> {
    const key = syncMergedKey(organisationId, batchId);
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    let woken = new Promise<void>((resolve) => (wake = resolve));
    const waker = (): void => wake();
    this.add(key, waker);
    try {
      const subscribed = await this.subscribed();
      while (!(await isDone())) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        const interval = subscribed ? SUBSCRIBED_CHECK_INTERVAL_MS : POLL_INTERVAL_MS;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, interval)))),
        ]);
        clearTimeout(timer);
        woken = new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.remove(key, waker);
    }
  }

  private add(key: string, waker: () => void): void {
    let set = this.wakers.get(key);
    if (!set) {
      set = new Set();
      this.wakers.set(key, set);
    }
    set.add(waker);
  }

  private remove(key: string, waker: () => void): void {
    const set = this.wakers.get(key);
    if (!set) return;
    set.delete(waker);
    if (set.size === 0) this.wakers.delete(key);
  }

  /** Subscribes once; a failed attempt (Redis away) is retried by the next wait. */
  private subscribed(): Promise<boolean> {
    this.subscription ??= this.subscribe().then((ok) => {
      if (!ok) this.subscription = undefined;
      return ok;
    });
    return this.subscription;
  }

  private async subscribe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // Bounded: while Redis is away the wait falls back to polling instead of hanging.
      await Promise.race([
        this.connection().subscribe(syncMergedChannel(this.config.redis.queuePrefix)),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error('subscribe timed out')), SUBSCRIBE_TIMEOUT_MS)),
        ),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // ioredis subscribes again after a reconnect (autoResubscribe).
      this.subscriber = createRedisConnection(
        this.config.redis.url,
        'worker',
        'map-offline-gateway:sync-waits',
      );
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (_channel: string, text: string) => this.wakeNamed(text));
    }
    return this.subscriber;
  }

  private wakeNamed(text: string): void {
    let message: SyncMergedMessage;
    try {
      message = JSON.parse(text) as SyncMergedMessage;
    } catch {
      return;
    }
    if (!Array.isArray(message.batches)) return;
    for (const key of message.batches) {
      if (typeof key !== 'string') continue;
      for (const waker of this.wakers.get(key) ?? []) waker();
    }
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
