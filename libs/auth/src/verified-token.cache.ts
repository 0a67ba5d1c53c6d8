import { Principal } from './principal';

/** tokens remembered at most (a few hundred bytes each: the token text and its principal) */
export const MAX_CACHED_TOKENS = 10_000;
/**
 * milliseconds a verified token is trusted without checking its signature again, at most: a key
 * removed from the JWKS stops being accepted within this time even for tokens that have not expired
 */
export const MAX_CACHED_TOKEN_AGE_MS = 5 * 60_000;

interface CachedToken {
  principal: Principal;
  /** epoch milliseconds after which the entry is not used */
  usableUntilMs: number;
}

/**
 * Principals of tokens whose signature and claims were verified, keyed by the exact token text, until
 * the token expires (or MAX_CACHED_TOKEN_AGE_MS, whichever is first). A device sends the same token
 * with every request; verifying the signature each time was the largest single cost of a small
 * request. Failures are never cached. Bounded: the oldest entry is dropped first.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, CachedToken>();

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly maxEntries = MAX_CACHED_TOKENS,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.usableUntilMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** `expiresAtSeconds` is the token's `exp` claim (seconds since the epoch). */
  set(token: string, principal: Principal, expiresAtSeconds: number | undefined): void {
    if (expiresAtSeconds === undefined) return;
    const now = this.now();
    const usableUntilMs = Math.min(expiresAtSeconds * 1000, now + MAX_CACHED_TOKEN_AGE_MS);
    if (usableUntilMs <= now) return;
    this.entries.delete(token);
    this.entries.set(token, { principal, usableUntilMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
