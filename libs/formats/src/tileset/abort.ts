import { FormatError, FormatErrorCode } from '../format-error';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FormatError(FormatErrorCode.ABORTED, 'writing was aborted by the caller');
}
