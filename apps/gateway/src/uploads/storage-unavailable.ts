import { DomainError, DomainErrorCode } from '@map-offline/contracts';
import { isStorageError } from '@map-offline/storage';

/** seconds a caller should wait after object storage failed transiently */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/** Runs `work`; a transient storage failure (network, 5xx, throttling) becomes UNAVAILABLE with Retry-After. */
export async function withStorageAvailability<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (isStorageError(error) && error.retryable) {
      throw new DomainError(DomainErrorCode.UNAVAILABLE, 'object storage is unavailable; retry later', {
        retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
      });
    }
    throw error;
  }
}
