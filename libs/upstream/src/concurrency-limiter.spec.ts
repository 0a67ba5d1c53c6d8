import { LocalConcurrencyLimiter } from './concurrency-limiter';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LocalConcurrencyLimiter', () => {
  it('grants up to the limit at once and queues the rest first come, first served', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const releases = await Promise.all([limiter.acquire('a', 2), limiter.acquire('a', 2)]);
    const order: number[] = [];
    const third = limiter.acquire('a', 2).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire('a', 2).then((release) => {
      order.push(4);
      return release;
    });
    await tick();
    expect(limiter.inFlight('a')).toBe(2);
    expect(order).toEqual([]);
    releases[0]();
    await tick();
    expect(order).toEqual([3]);
    releases[1]();
    await tick();
    expect(order).toEqual([3, 4]);
    (await third)();
    (await fourth)();
    expect(limiter.inFlight('a')).toBe(0);
  });

  it('serves lower priorities first and equal priorities in arrival order', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const held = await limiter.acquire('a', 1);
    const order: string[] = [];
    const waiting = [
      { name: 'late batch, first', priority: 7 },
      { name: 'early batch, first', priority: 3 },
      { name: 'late batch, second', priority: 7 },
      { name: 'early batch, second', priority: 3 },
      { name: 'earliest batch', priority: 1 },
    ].map(({ name, priority }) =>
      limiter.acquire('a', 1, undefined, priority).then((release) => {
        order.push(name);
        release();
      }),
    );
    await tick();
    expect(order).toEqual([]);
    held();
    await Promise.all(waiting);
    expect(order).toEqual([
      'earliest batch',
      'early batch, first',
      'early batch, second',
      'late batch, first',
      'late batch, second',
    ]);
    expect(limiter.inFlight('a')).toBe(0);
  });

  it('skips an aborted waiter of a higher priority and forgets the key once idle', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const held = await limiter.acquire('a', 1);
    const controller = new AbortController();
    const abandoned = limiter.acquire('a', 1, controller.signal, 0);
    const next = limiter.acquire('a', 1, undefined, 5);
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    expect(limiter.tryAcquire('a', 1)).toBeUndefined();
    held();
    const release = await next;
    expect(limiter.inFlight('a')).toBe(1);
    release();
    expect(limiter.inFlight('a')).toBe(0);
    const again = limiter.tryAcquire('a', 1);
    expect(again).toBeInstanceOf(Function);
    again?.();
  });

  it('keeps keys independent', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const first = await limiter.acquire('a', 1);
    await expect(limiter.acquire('b', 1)).resolves.toBeInstanceOf(Function);
    expect(limiter.inFlight('a')).toBe(1);
    expect(limiter.inFlight('b')).toBe(1);
    first();
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const release = await limiter.acquire('a', 1);
    const other = await limiter.acquire('b', 5);
    release();
    release();
    expect(limiter.inFlight('a')).toBe(0);
    const again = await limiter.acquire('a', 1);
    let extraGranted = false;
    void limiter.acquire('a', 1).then(() => {
      extraGranted = true;
    });
    release();
    await tick();
    expect(extraGranted).toBe(false);
    again();
    other();
  });

  it('removes an aborted waiter and passes its turn on', async () => {
    const limiter = new LocalConcurrencyLimiter();
    const held = await limiter.acquire('a', 1);
    const controller = new AbortController();
    const abandoned = limiter.acquire('a', 1, controller.signal);
    const next = limiter.acquire('a', 1);
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    held();
    const release = await next;
    expect(limiter.inFlight('a')).toBe(1);
    release();
    await expect(limiter.acquire('a', 1, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('never exceeds the limit under random acquire/release', async () => {
    const limiter = new LocalConcurrencyLimiter();
    let inside = 0;
    let peak = 0;
    const work = async (index: number) => {
      const release = await limiter.acquire('k', 5);
      inside += 1;
      peak = Math.max(peak, inside);
      await new Promise((resolve) => setTimeout(resolve, index % 3));
      inside -= 1;
      release();
    };
    await Promise.all(Array.from({ length: 200 }, (_, index) => work(index)));
    expect(peak).toBe(5);
    expect(limiter.inFlight('k')).toBe(0);
  });
});
