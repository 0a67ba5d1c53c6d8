import { databaseAnswers, isDatabaseUnavailableError } from './database-unavailable';

/** An error as the pg driver or Node.js builds it: a message and a code. */
function coded(code: string): Error {
  return Object.assign(new Error(`error ${code}`), { code });
}

describe('isDatabaseUnavailableError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EAI_AGAIN',
    '57P01',
    '57P02',
    '57P03',
    '53300',
    '08006',
    '08001',
  ])('is true for %s', (code) => {
    expect(isDatabaseUnavailableError(coded(code))).toBe(true);
  });

  it.each(['23505', '40P01', '55P03', '42P01', '22P02', '57014', 'ERR_INVALID_ARG_TYPE'])(
    'is false for %s (the statement or the data, not the server)',
    (code) => {
      expect(isDatabaseUnavailableError(coded(code))).toBe(false);
    },
  );

  it('looks through TypeORM driverError, cause and AggregateError', () => {
    const wrapped = Object.assign(new Error('query failed'), { driverError: coded('57P01') });
    expect(isDatabaseUnavailableError(wrapped)).toBe(true);
    expect(isDatabaseUnavailableError(new Error('outer', { cause: coded('ECONNREFUSED') }))).toBe(true);
    expect(isDatabaseUnavailableError(new AggregateError([coded('ECONNREFUSED')], 'all addresses'))).toBe(
      true,
    );
    expect(isDatabaseUnavailableError(Object.assign(new Error('x'), { driverError: coded('23505') }))).toBe(
      false,
    );
  });

  it('is false for errors without a code, non-errors, and stops on cycles', () => {
    expect(isDatabaseUnavailableError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isDatabaseUnavailableError('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailableError(undefined)).toBe(false);
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(isDatabaseUnavailableError(cyclic)).toBe(false);
  });
});

describe('databaseAnswers', () => {
  it('is true when SELECT 1 answers, false when it fails or outlasts the time-out', async () => {
    await expect(databaseAnswers({ query: () => Promise.resolve([{ '?column?': 1 }]) })).resolves.toBe(true);
    await expect(databaseAnswers({ query: () => Promise.reject(coded('ECONNREFUSED')) })).resolves.toBe(
      false,
    );
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    await expect(databaseAnswers({ query: () => never }, 50)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
