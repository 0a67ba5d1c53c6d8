import { Injectable } from '@nestjs/common';
import {
  Clock,
  CrdtValidationError,
  DEFAULT_MAX_DRIFT_MILLISECONDS,
  HlcDriftError,
  HybridLogicalClock,
} from '@map-offline/crdt';
import { ChangeRejection } from '@map-offline/entities';

/** The gateway's node id in hybrid timestamps (a server-side writer). */
const GATEWAY_NODE_ID = 'server:gateway';

/**
 * The admission check on hybrid timestamps, made once when a batch is pushed and recorded with it: a
 * change stamped further ahead of this server's clock than the drift limit (5 minutes) would win
 * every LAST_WRITER_WINS tie for that long, so it is rejected. The merge itself never reads a clock.
 * Malformed timestamps are left to the merge's validation, which names them.
 */
@Injectable()
export class HlcAdmission {
  private readonly hybrid: HybridLogicalClock;

  constructor(clock: Clock) {
    this.hybrid = new HybridLogicalClock(GATEWAY_NODE_ID, clock, {
      maxDriftMilliseconds: DEFAULT_MAX_DRIFT_MILLISECONDS,
    });
  }

  check(timestamps: readonly string[]): ChangeRejection[] {
    const rejections: ChangeRejection[] = [];
    timestamps.forEach((hlc, index) => {
      try {
        this.hybrid.receive(hlc);
      } catch (error) {
        if (error instanceof HlcDriftError) {
          rejections.push({ index, code: error.code, reason: error.message, field: 'hlc' });
        } else if (!(error instanceof CrdtValidationError)) {
          throw error;
        }
      }
    });
    return rejections;
  }
}
