import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@map-offline/config';
import { JobProgressEvent } from '@map-offline/contracts';
import { createRedisConnection, jobProgressChannel } from '@map-offline/queue';
import { APP_CONFIG } from '@map-offline/runtime';

type Listener = (event: JobProgressEvent) => void;

const FINAL_STATES = new Set(['completed', 'failed', 'cancelled']);

function isFinal(state: string): boolean {
  return FINAL_STATES.has(state);
}

/** Events kept per subscriber before the oldest are dropped: progress is a snapshot, the newest wins. */
const MAX_BUFFERED_EVENTS = 16;

/**
 * One Redis subscriber connection per gateway for all jobProgress subscriptions; each GraphQL
 * subscription gets an async iterator over its job's channel.
 */
@Injectable()
export class JobProgressHub implements OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * An iterator over a job's progress events. A hand-written iterator rather than an async generator:
   * a generator waiting for the next event cannot be ended by return(), so an unsubscribed client would
   * keep its listener until the job's next event.
   */
  events(jobRunId: string, first: JobProgressEvent): AsyncIterableIterator<JobProgressEvent> {
    const channel = jobProgressChannel(this.config.redis.queuePrefix, jobRunId);
    const buffer: JobProgressEvent[] = [first];
    let pending: ((result: IteratorResult<JobProgressEvent>) => void) | undefined;
    let done = isFinal(first.state);
    const finish = async (): Promise<IteratorResult<JobProgressEvent>> => {
      done = true;
      pending?.({ value: undefined, done: true });
      pending = undefined;
      await this.remove(channel, listener);
      return { value: undefined, done: true };
    };
    const listener: Listener = (event) => {
      if (pending) {
        const resolve = pending;
        pending = undefined;
        resolve({ value: event, done: false });
      } else {
        buffer.push(event);
        if (buffer.length > MAX_BUFFERED_EVENTS) buffer.shift();
      }
      if (isFinal(event.state)) done = true;
    };
    const subscribed = done ? Promise.resolve() : this.add(channel, listener);
    const iterator: AsyncIterableIterator<JobProgressEvent> = {
      next: async () => {
        await subscribed;
        const buffered = buffer.shift();
        if (buffered) return { value: buffered, done: false };
        if (done) return finish();
        return new Promise((resolve) => (pending = resolve));
      },
      return: finish,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async add(channel: string, listener: Listener): Promise<void> {
    const subscriber = this.connection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await subscriber.subscribe(channel);
    }
    set.add(listener);
  }

  private async remove(channel: string, listener: Listener): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) {
      this.listeners.delete(channel);
      await this.subscriber?.unsubscribe(channel);
    }
  }

  private connection(): Redis {
    if (!this.subscriber) {
      this.subscriber = createRedisConnection(
        this.config.redis.url,
        'worker',
        'map-offline-gateway:progress',
      );
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (channel: string, message: string) => {
        const event = JSON.parse(message) as JobProgressEvent;
        for (const listener of this.listeners.get(channel) ?? []) listener(event);
      });
    }
    return this.subscriber;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
