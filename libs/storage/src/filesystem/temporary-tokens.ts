import { randomBytes } from 'node:crypto';

/**
 * Names for temporary files: random per process (other processes may write the same key at the same
 * time), then a counter, so each write costs no random bytes of its own.
 */
export class TemporaryTokens {
  private readonly prefix = randomBytes(6).toString('hex');
  private counter = 0;

  next(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter.toString(36)}`;
  }
}
