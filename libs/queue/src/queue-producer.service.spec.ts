import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { QueueName } from '@map-offline/contracts';
import { QueueProducer, QueueUnavailableError } from './queue-producer.service';

/** A loopback port nothing listens on: every connection attempt is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('QueueProducer without Redis', () => {
  let producer: QueueProducer;

  beforeEach(async () => {
    producer = new QueueProducer({
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
      prefix: '{unit}',
      connectionName: 'unit-test',
    });
  });

  afterEach(async () => {
    await producer.close(100);
  });

  it('fails an enqueue with QueueUnavailableError within its time-out instead of waiting for Redis', async () => {
    const item = {
      name: 'seed-region' as const,
      data: { organisationId: 'org', jobRunId: randomUUID(), regionId: randomUUID() },
    };
    const started = Date.now();
    await expect(producer.enqueue(item, {}, 300)).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(producer.enqueueBulk([{ item, options: {} }], 300)).rejects.toBeInstanceOf(
      QueueUnavailableError,
    );
  });

  it('closes promptly although a queue never connected', async () => {
    // a queue created while Redis is away: BullMQ would wait for its first connection
    producer.queue(QueueName.TileSeeding);
    const started = Date.now();
    await expect(producer.close(200)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
