import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { AppLogger } from '@map-offline/observability';
import {
  DATABASE_OUTAGE_RETRY_MS,
  isDatabaseOutage,
  postponeForDatabaseOutage,
} from './database-outage.retry';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const answering = { query: jest.fn(() => Promise.resolve([])) };
const away = { query: jest.fn(() => Promise.reject(refused)) };

function fakeContext(moveToDelayed: (timestamp: number, token?: string) => Promise<void>) {
  const logger = { warn: jest.fn() } as unknown as AppLogger;
  return { job: { moveToDelayed } as unknown as Job, token: 'lock-token', logger };
}

describe('isDatabaseOutage', () => {
  it('is true for a connection error code without asking the database', async () => {
    answering.query.mockClear();
    await expect(isDatabaseOutage(refused, answering)).resolves.toBe(true);
    expect(answering.query).not.toHaveBeenCalled();
  });

  it('asks the database about an error without a code', async () => {
    const cut = new Error('Connection terminated unexpectedly');
    await expect(isDatabaseOutage(cut, away)).resolves.toBe(true);
    await expect(isDatabaseOutage(cut, answering)).resolves.toBe(false);
  });

  it('never postpones a permanent failure', async () => {
    await expect(isDatabaseOutage(new UnrecoverableError('no such batch'), away)).resolves.toBe(false);
  });
});

describe('postponeForDatabaseOutage', () => {
  it('moves the job to delayed for 3 to 4 s with its lock token and returns a DelayedError', async () => {
    const moves: { timestamp: number; token?: string }[] = [];
    const context = fakeContext(async (timestamp, token) => void moves.push({ timestamp, token }));
    const before = Date.now();
    const result = await postponeForDatabaseOutage(context, refused, () => 0.5);
    expect(result).toBeInstanceOf(DelayedError);
    expect(moves).toHaveLength(1);
    expect(moves[0].token).toBe('lock-token');
    const delay = moves[0].timestamp - before;
    expect(delay).toBeGreaterThanOrEqual(DATABASE_OUTAGE_RETRY_MS + 500);
    expect(delay).toBeLessThan(DATABASE_OUTAGE_RETRY_MS + 1_000 + 100);
  });

  it('returns the original error when the job cannot be moved, so the ordinary retry applies', async () => {
    const context = fakeContext(() => Promise.reject(new Error('Missing lock for job')));
    await expect(postponeForDatabaseOutage(context, refused)).resolves.toBe(refused);
  });
});
