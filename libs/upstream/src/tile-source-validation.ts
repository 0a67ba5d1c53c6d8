import { CompiledUrlTemplate, inspectUrlTemplate } from './url-template';
import { UPSTREAM_TILE_FORMATS, UpstreamTileSource } from './tile-source';
import { UpstreamSourceError, UpstreamSourceErrorCode, UpstreamSourceProblem } from './upstream-error';

/** requests in flight per process; far above any polite setting, low enough to catch a typo */
export const MAX_CONCURRENT_REQUESTS_LIMIT = 1024;

// RFC 9110 token characters for a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space and tab; no CR/LF (header injection) and no other control characters.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers the client sets itself; a source may not override them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'if-none-match',
  'user-agent',
]);

/** Every problem with a source descriptor, empty when it can be fetched from. Header values are never echoed. */
export function inspectTileSource(source: UpstreamTileSource): {
  problems: UpstreamSourceProblem[];
  template?: CompiledUrlTemplate;
} {
  const problems: UpstreamSourceProblem[] = [];
  const problem = (code: UpstreamSourceErrorCode, message: string): void => {
    problems.push({ code, message });
  };
  if (source.scheme !== 'xyz' && source.scheme !== 'tms') {
    problem(UpstreamSourceErrorCode.SCHEME_INVALID, 'scheme must be "xyz" or "tms"');
  }
  if (!UPSTREAM_TILE_FORMATS.includes(source.format)) {
    problem(
      UpstreamSourceErrorCode.FORMAT_INVALID,
      `format must be one of ${UPSTREAM_TILE_FORMATS.join(', ')}`,
    );
  }
  const concurrency = source.maxConcurrentRequests;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENT_REQUESTS_LIMIT) {
    problem(
      UpstreamSourceErrorCode.CONCURRENCY_INVALID,
      `maxConcurrentRequests must be a whole number between 1 and ${MAX_CONCURRENT_REQUESTS_LIMIT}`,
    );
  }
  const rate = source.maxRequestsPerSecond;
  if (rate !== undefined && (!Number.isFinite(rate) || rate < 0)) {
    problem(
      UpstreamSourceErrorCode.RATE_INVALID,
      'maxRequestsPerSecond must be a number >= 0 (0 means unlimited)',
    );
  }
  for (const [name, value] of Object.entries(source.headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      problem(
        UpstreamSourceErrorCode.HEADER_INVALID,
        `header name "${name.slice(0, 40)}" is not a valid token`,
      );
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      problem(
        UpstreamSourceErrorCode.HEADER_INVALID,
        `header "${name}" is set by the client and cannot be overridden`,
      );
    } else if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      // The value may be an API key: name the header, never show the value.
      problem(UpstreamSourceErrorCode.HEADER_INVALID, `the value of header "${name}" has control characters`);
    }
  }
  const inspection = inspectUrlTemplate(source.urlTemplate, {
    scheme: source.scheme,
    subdomains: source.subdomains,
  });
  if (!inspection.valid) return { problems: [...problems, ...inspection.problems] };
  return { problems, template: inspection.compiled };
}

/** Compiles the source's template, or throws UpstreamSourceError listing every problem. */
export function compileTileSource(source: UpstreamTileSource): CompiledUrlTemplate {
  const { problems, template } = inspectTileSource(source);
  if (problems.length > 0 || template === undefined) throw new UpstreamSourceError(source.id, problems);
  return template;
}
