import { Injectable } from '@nestjs/common';
import {
  FeatureState,
  FieldWrite,
  MergePolicy,
  VectorClock,
  applyChange,
  covers,
  registerOf,
} from '@map-offline/crdt';
import { ConflictEntity, SyncChangeLogRepository } from '@map-offline/entities';

/**
 * The common ancestor of a conflict's versions, rebuilt from the change log: the feature as it was
 * after every logged change the ancestor clock covers. The ancestor clock is the device's `baseClock`
 * when it sent one, else the meet (pointwise minimum) of the clocks involved. Nothing of the past is
 * kept in the state itself (libs/crdt README, "Outcomes").
 */
@Injectable()
export class ConflictBaseReader {
  constructor(private readonly changeLog: SyncChangeLogRepository) {}

  /** The base write of each conflict's field (undefined: the field did not exist), by conflict id. */
  async basesOf(
    organisationId: string,
    conflicts: readonly ConflictEntity[],
    policy: MergePolicy,
  ): Promise<Map<string, FieldWrite<unknown> | undefined>> {
    const bases = new Map<string, FieldWrite<unknown> | undefined>();
    const byFeature = new Map<string, ConflictEntity[]>();
    for (const conflict of conflicts) {
      const key = `${conflict.layerId}/${conflict.featureId}`;
      byFeature.set(key, [...(byFeature.get(key) ?? []), conflict]);
    }
    for (const group of byFeature.values()) {
      const { layerId, featureId } = group[0];
      const log = await this.changeLog.changesOf(organisationId, layerId, featureId);
      for (const conflict of group) {
        const ancestor = conflict.baseClock ?? meetOf(conflictClocks(conflict));
        let state: FeatureState | undefined;
        for (const entry of log) {
          if (covers(ancestor, entry.clock)) state = applyChange(state, entry.change, policy).state;
        }
        const register = state === undefined ? undefined : registerOf(state, conflict.field);
        bases.set(conflict.id, register);
      }
    }
    return bases;
  }
}

function conflictClocks(conflict: ConflictEntity): VectorClock[] {
  return [...conflict.candidates.map((write) => write.clock), ...(conflict.concurrentWith ?? [])];
}

/** Pointwise minimum: what every one of the clocks has seen. */
export function meetOf(clocks: readonly VectorClock[]): VectorClock {
  if (clocks.length === 0) return {};
  const [first, ...rest] = clocks;
  const meet: Record<string, number> = {};
  for (const [deviceId, counter] of Object.entries(first)) {
    const minimum = Math.min(
      counter,
      ...rest.map((clock) => (Object.hasOwn(clock, deviceId) ? clock[deviceId] : 0)),
    );
    if (minimum > 0) meet[deviceId] = minimum;
  }
  return meet;
}
