import { DomainErrorCode } from '@map-offline/contracts';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  errorShape,
  toDomainError,
  toUnavailableError,
} from './domain-error.filter';

describe('database errors at the gateway', () => {
  it('turns a connection error into UNAVAILABLE with a retry hint, shown as SERVICE_UNAVAILABLE 503', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = toUnavailableError(refused);
    expect(error?.code).toBe(DomainErrorCode.UNAVAILABLE);
    expect(error?.message).toMatch(/retry/);
    expect(error?.details.retryAfterSeconds).toBe(DATABASE_RETRY_AFTER_SECONDS);
    expect(errorShape(DomainErrorCode.UNAVAILABLE)).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('leaves SQL errors and other errors alone, and keeps outages out of per-item domain errors', () => {
    const duplicate = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
    expect(toUnavailableError(duplicate)).toBeUndefined();
    expect(toUnavailableError(new Error('bug'))).toBeUndefined();
    const shutdown = Object.assign(new Error('terminating connection'), { code: '57P01' });
    expect(toDomainError(shutdown)).toBeUndefined();
  });
});
