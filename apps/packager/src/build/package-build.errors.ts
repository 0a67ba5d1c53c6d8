import { UnrecoverableError } from 'bullmq';
import type { OfflinePackageLayerError } from '@map-offline/entities';
import { RegionsUnavailableError } from '@map-offline/entities';
import { FormatError, FormatErrorCode } from '@map-offline/formats';
import { StorageError } from '@map-offline/storage';

/** A build that cannot succeed however often it is retried; `layerErrors` say which layers failed. */
export class PermanentBuildError extends Error {
  constructor(
    message: string,
    readonly layerErrors: OfflinePackageLayerError[] = [],
  ) {
    super(message);
    this.name = 'PermanentBuildError';
  }
}

/**
 * Decided by error class, never by message: bad input and bad data are permanent (retrying writes the same
 * file again); network, storage throttling, database and verification races are transient until the last
 * attempt. An abort is neither: the caller reads the stop reason from the run state.
 */
export function isPermanentBuildFailure(error: unknown): boolean {
  if (error instanceof PermanentBuildError || error instanceof RegionsUnavailableError) return true;
  if (error instanceof UnrecoverableError) return true;
  if (error instanceof FormatError) return error.code !== FormatErrorCode.ABORTED;
  if (error instanceof StorageError) return !error.retryable;
  return false;
}

export function layerErrorsOf(error: unknown): OfflinePackageLayerError[] {
  return error instanceof PermanentBuildError ? error.layerErrors : [];
}

/** One line for the package record and the job run, without a stack. */
export function describeBuildFailure(error: unknown): string {
  if (error instanceof FormatError) return `${error.code}: ${error.problems.join('; ')}`;
  if (error instanceof StorageError) return `storage ${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
