import { CrdtErrorCode, CrdtValidationError } from './crdt-error';
import { assertDeviceId } from './device-id';
import { compareStrings } from './vector-clock';

/**
 * A hybrid logical clock timestamp: physical time in milliseconds since the Unix epoch, a logical
 * counter that orders events within one millisecond (or while the wall clock stands still or runs
 * backwards), and the node id that breaks the last tie, so the order over all timestamps is total.
 */
export interface Hlc {
  /** milliseconds since the Unix epoch, 0..MAX_HLC_WALL_TIME */
  readonly wallTime: number;
  /** 0..MAX_HLC_COUNTER */
  readonly counter: number;
  readonly nodeId: string;
}

/** Largest wall time the 12-hex-digit encoding holds: 2^48 - 1 ms, about the year 10889. */
export const MAX_HLC_WALL_TIME = 2 ** 48 - 1;
/** Largest counter the 4-hex-digit encoding holds; past it the clock borrows one millisecond. */
export const MAX_HLC_COUNTER = 0xffff;
/** Default bound on how far (milliseconds) a remote timestamp may run ahead of our wall clock. */
export const DEFAULT_MAX_DRIFT_MILLISECONDS = 5 * 60 * 1000;

const WALL_DIGITS = 12;
const COUNTER_DIGITS = 4;
const ENCODED_PATTERN = /^([0-9a-f]{12}):([0-9a-f]{4}):(.+)$/;

/** The wall-clock port: never read `Date.now()` inside the library, so tests can make time jump. */
export abstract class Clock {
  /** milliseconds since the Unix epoch */
  abstract nowMilliseconds(): number;
}

/** A `Clock` backed by a plain function, for callers (and tests) that do not use dependency injection. */
export class FunctionClock extends Clock {
  constructor(private readonly read: () => number) {
    super();
  }

  nowMilliseconds(): number {
    return this.read();
  }
}

/** Thrown by `receive` when a remote timestamp runs further ahead of our wall clock than allowed. */
export class HlcDriftError extends CrdtValidationError {
  constructor(
    readonly remote: Hlc,
    readonly physicalTime: number,
    readonly maxDriftMilliseconds: number,
  ) {
    super(
      CrdtErrorCode.HLC_DRIFT_EXCEEDED,
      'hlc.wallTime',
      `at most ${maxDriftMilliseconds} ms ahead of this node's clock (${physicalTime})`,
      remote.wallTime,
    );
  }
}

export interface HybridLogicalClockOptions {
  /** milliseconds a remote timestamp may be ahead of the local wall clock before `receive` rejects it */
  maxDriftMilliseconds?: number;
  /** the last timestamp this node issued, when restoring after a restart, so it never repeats one */
  last?: Hlc;
}

/**
 * One node's HLC (Kulkarni et al., 2014). `now()` and `receive()` return timestamps strictly greater
 * than every timestamp this node issued or received before, whatever the wall clock does, and stay
 * within the drift bound of physical time.
 */
export class HybridLogicalClock {
  private last: Hlc;
  private readonly maxDriftMilliseconds: number;

  constructor(
    readonly nodeId: string,
    private readonly clock: Clock,
    options: HybridLogicalClockOptions = {},
  ) {
    assertDeviceId(nodeId, 'nodeId');
    this.maxDriftMilliseconds = options.maxDriftMilliseconds ?? DEFAULT_MAX_DRIFT_MILLISECONDS;
    this.last = options.last ? assertHlc(options.last, 'last') : { wallTime: 0, counter: 0, nodeId };
  }

  /** The last timestamp issued or received (for persisting across restarts). */
  current(): Hlc {
    return this.last;
  }

  /** A timestamp for a local event. */
  now(): Hlc {
    const physical = this.readPhysical();
    const wallTime = Math.max(this.last.wallTime, physical);
    const counter = wallTime === this.last.wallTime ? this.last.counter + 1 : 0;
    return this.advance(wallTime, counter);
  }

  /** Folds in a timestamp received from another node and returns one greater than both. */
  receive(remote: Hlc | string): Hlc {
    const parsed = typeof remote === 'string' ? parseHlc(remote) : assertHlc(remote);
    const physical = this.readPhysical();
    if (parsed.wallTime - physical > this.maxDriftMilliseconds) {
      throw new HlcDriftError(parsed, physical, this.maxDriftMilliseconds);
    }
    const wallTime = Math.max(this.last.wallTime, parsed.wallTime, physical);
    let counter: number;
    if (wallTime === this.last.wallTime && wallTime === parsed.wallTime) {
      counter = Math.max(this.last.counter, parsed.counter) + 1;
    } else if (wallTime === this.last.wallTime) {
      counter = this.last.counter + 1;
    } else if (wallTime === parsed.wallTime) {
      counter = parsed.counter + 1;
    } else {
      counter = 0;
    }
    return this.advance(wallTime, counter);
  }

  private advance(wallTime: number, counter: number): Hlc {
    // A counter past its encoding borrows the next millisecond: still monotonic, and a burst of
    // 65,536 events in one millisecond is the only way to get here.
    const next =
      counter > MAX_HLC_COUNTER
        ? { wallTime: wallTime + 1, counter: 0, nodeId: this.nodeId }
        : { wallTime, counter, nodeId: this.nodeId };
    if (next.wallTime > MAX_HLC_WALL_TIME) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_HLC,
        'hlc.wallTime',
        `at most ${MAX_HLC_WALL_TIME}`,
        next.wallTime,
      );
    }
    this.last = next;
    return next;
  }

  private readPhysical(): number {
    const physical = this.clock.nowMilliseconds();
    if (!Number.isSafeInteger(physical) || physical < 0 || physical > MAX_HLC_WALL_TIME) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_HLC,
        'clock.nowMilliseconds()',
        `an integer in 0..${MAX_HLC_WALL_TIME} (milliseconds since the epoch)`,
        physical,
      );
    }
    return physical;
  }
}

/** Total order: wall time, then counter, then node id (code-unit order). */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wallTime !== b.wallTime) return a.wallTime < b.wallTime ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return compareStrings(a.nodeId, b.nodeId);
}

/**
 * `<12 hex wall time>:<4 hex counter>:<node id>`. The fixed-width lower-case hex prefix makes plain
 * string comparison agree with `compareHlc`, so a database index on the string orders by time.
 */
export function formatHlc(hlc: Hlc): string {
  const checked = assertHlc(hlc);
  return `${checked.wallTime.toString(16).padStart(WALL_DIGITS, '0')}:${checked.counter
    .toString(16)
    .padStart(COUNTER_DIGITS, '0')}:${checked.nodeId}`;
}

export function parseHlc(encoded: unknown, field = 'hlc'): Hlc {
  const match = typeof encoded === 'string' ? ENCODED_PATTERN.exec(encoded) : null;
  if (match === null) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_HLC,
      field,
      '"<12 lower-case hex digits>:<4 lower-case hex digits>:<node id>"',
      encoded,
    );
  }
  const [, wall = '', counter = '', nodeId = ''] = match;
  assertDeviceId(nodeId, `${field} node id`);
  return { wallTime: Number.parseInt(wall, 16), counter: Number.parseInt(counter, 16), nodeId };
}

/** Checks an HLC object from untrusted input and returns a clean copy. */
export function assertHlc(value: unknown, field = 'hlc'): Hlc {
  if (typeof value !== 'object' || value === null) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_HLC,
      field,
      'an object { wallTime, counter, nodeId }',
      value,
    );
  }
  const { wallTime, counter, nodeId } = value as Record<string, unknown>;
  if (
    typeof wallTime !== 'number' ||
    !Number.isSafeInteger(wallTime) ||
    wallTime < 0 ||
    wallTime > MAX_HLC_WALL_TIME
  ) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_HLC,
      `${field}.wallTime`,
      `an integer in 0..${MAX_HLC_WALL_TIME}`,
      wallTime,
    );
  }
  if (
    typeof counter !== 'number' ||
    !Number.isSafeInteger(counter) ||
    counter < 0 ||
    counter > MAX_HLC_COUNTER
  ) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_HLC,
      `${field}.counter`,
      `an integer in 0..${MAX_HLC_COUNTER}`,
      counter,
    );
  }
  assertDeviceId(nodeId, `${field}.nodeId`);
  return { wallTime, counter, nodeId };
}

/** Compares two encoded timestamps; equal to `compareHlc` on the parsed values. */
export function compareEncodedHlc(a: string, b: string): number {
  return compareStrings(a, b);
}
