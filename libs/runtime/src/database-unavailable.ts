/**
 * SQLSTATE codes that mean "the server is going away, starting up or full", not "this statement is wrong":
 * 57P01 admin_shutdown (fast or immediate stop), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
 * up, shutting down, in recovery), 53300 too_many_connections.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** SQLSTATE class 08: connection exception (the connection failed or broke). */
const CONNECTION_EXCEPTION_CLASS = '08';
/** Node.js socket and resolver errors: PostgreSQL cannot be reached (stopped, restarting, failing over). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
/** how deep to follow `driverError`, `cause` and `errors` links (a guard against cycles) */
const MAXIMUM_DEPTH = 4;

/**
 * True when an error says PostgreSQL is unreachable or refusing work for now, so the same request would
 * succeed later: callers answer "unavailable, retry" and jobs wait for the database instead of spending
 * their retry budget. Decided by error codes (SQLSTATE, Node.js system error code), never by message
 * text. TypeORM wraps driver errors in `driverError`; Node.js wraps connection attempts to several
 * addresses in an AggregateError.
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAXIMUM_DEPTH) return false;
  const candidate = error as { code?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === 'string') {
    const code = candidate.code;
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && code.startsWith(CONNECTION_EXCEPTION_CLASS)) return true;
  }
  if (isDatabaseUnavailableError(candidate.driverError, depth + 1)) return true;
  if (isDatabaseUnavailableError(candidate.cause, depth + 1)) return true;
  return (
    Array.isArray(candidate.errors) &&
    candidate.errors.some((inner) => isDatabaseUnavailableError(inner, depth + 1))
  );
}

/** What databaseAnswers needs of a TypeORM DataSource. */
export interface DatabaseProbe {
  query(sql: string): Promise<unknown>;
}

/** milliseconds databaseAnswers waits for PostgreSQL */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether PostgreSQL answers `SELECT 1` within timeoutMs (milliseconds). For errors that carry no code
 * (the driver's "connection terminated", TypeORM's "query runner already released" after a broken
 * transaction): the database's state, not the message, then says whether an outage is the likely cause.
 */
export async function databaseAnswers(
  dataSource: DatabaseProbe,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([dataSource.query('SELECT 1').then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
