import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@map-offline/config';
import { createRedisConnection, jobProgressChannel } from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';

/** milliseconds between database checks when Redis cannot tell us */
const POLL_INTERVAL_MS = 250;
/** milliseconds to wait for a subscription before polling instead */
const SUBSCRIBE_TIMEOUT_MS = 1_000;

/**
 * Lets syncResult wait (long-poll) until a batch is merged: the sync-merger publishes on the job's
 * progress channel after commit. One subscriber connection per gateway; without Redis it falls back
 * to checking the database every POLL_INTERVAL_MS.
 */
@Injectable()
export class MergeWaiter implements OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly wakers = new Map<string, Set<() => void>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Resolves when `isDone` says so after a wake-up, or after `timeoutMs` milliseconds. */
  async wait(jobRunId: string, timeoutMs: number, isDone: () => Promise<boolean>): Promise<void> {
    const channel = jobProgressChannel(this.config.redis.queuePrefix, jobRunId);
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    let woken = new Promise<void>((resolve) => (wake = resolve));
    const waker = (): void => wake();
    const subscribed = await this.add(channel, waker);
    try {
      // Checked after subscribing, so a merge that commits in between is not missed.
      while (!(await isDone())) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>(
            (resolve) => (timer = setTimeout(resolve, subscribed ? left : Math.min(left, POLL_INTERVAL_MS))),
          ),
        ]);
        clearTimeout(timer);
        woken = new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      await this.remove(channel, waker);
    }
  }

  private async add(channel: string, waker: () => void): Promise<boolean> {
    let set = this.wakers.get(channel);
    if (!set) {
      set = new Set();
      this.wakers.set(channel, set);
    }
    set.add(waker);
    if (set.size > 1) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      // Bounded: while Redis is away the wait falls back to polling instead of hanging.
      await Promise.race([
        this.connection().subscribe(channel),
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

  private async remove(channel: string, waker: () => void): Promise<void> {
    const set = this.wakers.get(channel);
    if (!set) return;
    set.delete(waker);
    if (set.size > 0) return;
    this.wakers.delete(channel);
    try {
      await this.subscriber?.unsubscribe(channel);
    } catch {
      // The connection is gone; its subscriptions went with it.
    }
  }

  private connection(): Redis {
    if (!this.subscriber) {
      this.subscriber = createRedisConnection(
        this.config.redis.url,
        'worker',
        'map-offline-gateway:sync-waits',
      );
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (channel: string) => {
        for (const waker of this.wakers.get(channel) ?? []) waker();
      });
    }
    return this.subscriber;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
