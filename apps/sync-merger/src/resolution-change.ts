import {
  Change,
  Clock,
  CrdtValidationError,
  FeatureState,
  FieldWrite,
  HybridLogicalClock,
  MergePolicy,
  Resolution,
  formatHlc,
  parseHlc,
  resolveConflict,
} from '@map-offline/crdt';
import { ResolutionIntent } from '@map-offline/contracts';
import { identify } from './batch-merge.plan';
import { RejectionCode } from './change-admission';

export type ResolutionOutcome =
  | { ok: true; change: Change; record: Record<string, unknown> }
  | { ok: false; code: string; reason: string; field?: string };

/**
 * Turns a reviewer's decision into a change, under the feature's lock: the change's clock is the
 * feature's version vector plus one change of the reviewer, so it dominates every write in the
 * conflict. The decision applies only if the conflict is still open exactly as it was reviewed
 * (same id = same writes); otherwise the reviewer must look again.
 */
export function resolutionChange(
  layerId: string,
  state: FeatureState | undefined,
  intent: ResolutionIntent,
  policy: MergePolicy,
  clock: Clock,
): ResolutionOutcome {
  const conflict =
    state === undefined ? undefined : identify(layerId, intent.featureId, state).get(intent.conflictId);
  if (state === undefined || conflict === undefined) {
    return {
      ok: false,
      code: RejectionCode.CONFLICT_NOT_OPEN,
      reason: `conflict ${intent.conflictId} is no longer open: later changes replaced it; review the feature's open conflicts again`,
      field: 'conflictId',
    };
  }
  const resolution: Resolution = intent.removed ? { removed: true } : { value: intent.value ?? null };
  try {
    const hlc = serverTimestamp(state, intent.resolverId, clock);
    const resolved = resolveConflict(
      state,
      conflict.field,
      resolution,
      { deviceId: intent.resolverId, hlc },
      policy,
    );
    const record: Record<string, unknown> = { resolution: intent.resolution, by: intent.resolverId };
    if (intent.removed) record.removed = true;
    else record.value = intent.value ?? null;
    return { ok: true, change: resolved.change, record };
  } catch (error) {
    if (!(error instanceof CrdtValidationError)) throw error;
    return { ok: false, code: error.code, reason: error.message, field: `resolution.${error.field}` };
  }
}

/**
 * A server-side writer's HLC, later than every write of the feature, so the decision also sorts
 * after what it decides (the wall clock alone could be behind a device's).
 */
export function serverTimestamp(state: FeatureState | undefined, writerId: string, clock: Clock): string {
  if (state === undefined) return formatHlc(new HybridLogicalClock(writerId, clock).now());
  const writes: FieldWrite<unknown>[] = [
    ...(state.deleted.candidates ?? [state.deleted]),
    ...(state.geometry ? (state.geometry.candidates ?? [state.geometry]) : []),
    ...Object.values(state.properties).flatMap((register) => register.candidates ?? [register]),
  ];
  const latest = writes.reduce((max, write) => (write.hlc > max ? write.hlc : max), '');
  const last = latest === '' ? undefined : { ...parseHlc(latest), nodeId: writerId };
  const hybrid = new HybridLogicalClock(writerId, clock, {
    last,
    maxDriftMilliseconds: Number.MAX_SAFE_INTEGER,
  });
  return formatHlc(hybrid.now());
}
