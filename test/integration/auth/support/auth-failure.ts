import { AuthError } from '@map-offline/auth';

/** Resolves with the AuthError the promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function authFailure(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError, but the promise resolved');
}

/** Every part of a token (8 characters or more) that must never appear in an error message or log line. */
export function tokenParts(token: string): string[] {
  return [token, ...token.split('.')].filter((part) => part.length >= 8);
}

export function expectNoTokenIn(text: string, token: string): void {
  for (const part of tokenParts(token)) {
    if (text.includes(part)) throw new Error(`the token (or a part of it) appears in: ${text}`);
  }
}
