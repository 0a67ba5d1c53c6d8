import { open, rm } from 'node:fs/promises';
import { FormatError, FormatErrorCode } from '../format-error';

/** Creates the output file exclusively so a writer never overwrites an existing package. */
export async function claimOutputFile(path: string): Promise<void> {
  try {
    const handle = await open(path, 'wx');
    await handle.close();
  } catch (error: unknown) {
    if (isErrnoException(error) && error.code === 'EEXIST') {
      throw new FormatError(FormatErrorCode.OUTPUT_EXISTS, `output ${path} already exists`);
    }
    throw error;
  }
}

/** Best-effort clean-up after a failure; the original error is what the caller needs to see. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Duck-typed: errors from Node's fs may come from another realm (jest sandboxes), failing `instanceof Error`. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}
