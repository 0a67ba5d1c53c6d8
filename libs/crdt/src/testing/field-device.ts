import type { Geometry } from 'geojson';
import { Change, ChangeOperation } from '../change';
import { Clock, HybridLogicalClock, formatHlc } from '../hybrid-logical-clock';
import { JsonValue } from '../json-value';
import { VectorClock, incrementClock, mergeClocks } from '../vector-clock';

/**
 * A field device as the sync tests and the benchmark drive it: it numbers its own edits per feature,
 * stamps them with its HLC, and knows of each feature what it last saw (its own edits and whatever it
 * synced). Editing without syncing is editing offline: the edits are concurrent with other devices'.
 */
export class FieldDevice {
  private readonly hybrid: HybridLogicalClock;
  /** feature id -> the clock of what this device has seen of the feature */
  private readonly seen = new Map<string, VectorClock>();

  constructor(
    readonly id: string,
    clock: Clock,
  ) {
    // Devices in tests may run clocks apart on purpose; the server's admission check is what limits drift.
    this.hybrid = new HybridLogicalClock(id, clock, { maxDriftMilliseconds: Number.MAX_SAFE_INTEGER });
  }

  create(featureId: string, geometry: Geometry | null, properties: Record<string, JsonValue> = {}): Change {
    const change = this.edit(featureId, { op: ChangeOperation.CREATE, geometry });
    if (Object.keys(properties).length > 0) change.set = { ...properties };
    return change;
  }

  update(
    featureId: string,
    patch: { geometry?: Geometry | null; set?: Record<string, JsonValue>; unset?: string[] },
  ): Change {
    const change = this.edit(featureId, { op: ChangeOperation.UPDATE });
    if (patch.geometry !== undefined) change.geometry = patch.geometry;
    if (patch.set !== undefined) change.set = { ...patch.set };
    if (patch.unset !== undefined) change.unset = [...patch.unset];
    return change;
  }

  delete(featureId: string): Change {
    return this.edit(featureId, { op: ChangeOperation.DELETE });
  }

  /** Learns what the server (or another device) has of a feature: later edits are causally after it. */
  learn(featureId: string, versionVector: VectorClock, hlc?: string): void {
    this.seen.set(featureId, mergeClocks(this.seen.get(featureId) ?? {}, versionVector));
    if (hlc !== undefined) this.hybrid.receive(hlc);
  }

  knows(featureId: string): VectorClock {
    return this.seen.get(featureId) ?? {};
  }

  private edit(featureId: string, partial: { op: ChangeOperation; geometry?: Geometry | null }): Change {
    const base = this.seen.get(featureId) ?? {};
    const clock = incrementClock(base, this.id);
    this.seen.set(featureId, clock);
    const change: Change = {
      featureId,
      deviceId: this.id,
      op: partial.op,
      clock,
      hlc: formatHlc(this.hybrid.now()),
    };
    if (partial.geometry !== undefined) change.geometry = partial.geometry;
    if (Object.keys(base).length > 0) change.baseClock = base;
    return change;
  }
}
