/** A job whose name or payload breaks the contract. Permanent: retrying the same bytes cannot help. */
export class InvalidJobError extends Error {
  constructor(
    readonly jobName: string,
    readonly problems: string[],
  ) {
    super(`job "${jobName}" does not match its contract: ${problems.join('; ')}`);
    this.name = 'InvalidJobError';
  }
}
