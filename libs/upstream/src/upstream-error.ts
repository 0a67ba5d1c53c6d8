/** Why a tile source cannot be used. Callers branch on the code, never on the message. */
export enum UpstreamSourceErrorCode {
  TEMPLATE_TOO_LONG = 'TEMPLATE_TOO_LONG',
  TEMPLATE_NOT_A_URL = 'TEMPLATE_NOT_A_URL',
  TEMPLATE_PROTOCOL = 'TEMPLATE_PROTOCOL',
  TEMPLATE_CREDENTIALS = 'TEMPLATE_CREDENTIALS',
  TEMPLATE_UNKNOWN_PLACEHOLDER = 'TEMPLATE_UNKNOWN_PLACEHOLDER',
  TEMPLATE_UNBALANCED_BRACE = 'TEMPLATE_UNBALANCED_BRACE',
  TEMPLATE_MISSING_PLACEHOLDER = 'TEMPLATE_MISSING_PLACEHOLDER',
  TEMPLATE_PLACEHOLDER_IN_HOST = 'TEMPLATE_PLACEHOLDER_IN_HOST',
  SUBDOMAINS_MISSING = 'SUBDOMAINS_MISSING',
  SUBDOMAIN_INVALID = 'SUBDOMAIN_INVALID',
  SCHEME_INVALID = 'SCHEME_INVALID',
  FORMAT_INVALID = 'FORMAT_INVALID',
  CONCURRENCY_INVALID = 'CONCURRENCY_INVALID',
  RATE_INVALID = 'RATE_INVALID',
  HEADER_INVALID = 'HEADER_INVALID',
}

export interface UpstreamSourceProblem {
  code: UpstreamSourceErrorCode;
  /** Names the problem without echoing header values (they may be secrets). */
  message: string;
}

/**
 * A tile source that cannot be fetched from: permanent, so the seeder should not retry the batch.
 * The message lists every problem; `problems` carries them with codes for the gateway.
 */
export class UpstreamSourceError extends Error {
  override readonly name = 'UpstreamSourceError';

  constructor(
    readonly sourceId: string,
    readonly problems: readonly UpstreamSourceProblem[],
  ) {
    super(`tile source ${sourceId} is invalid: ${problems.map((problem) => problem.message).join('; ')}`);
  }

  get code(): UpstreamSourceErrorCode {
    return this.problems[0].code;
  }
}
