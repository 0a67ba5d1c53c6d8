import { createHash } from 'node:crypto';
import { FieldConflict, canonicalClockJson } from '@map-offline/crdt';

/**
 * The id of a conflict: a UUID (version 8, "custom") derived from the layer, feature, field, kind and
 * the clocks of the writes (and, for MANUAL, the heads) involved. Values follow from clocks, so the
 * same conflict gets the same id whenever and however often its changes arrive, and writing it again
 * is an upsert of the same row.
 */
export function conflictIdOf(layerId: string, featureId: string, conflict: FieldConflict): string {
  const writes = conflict.candidates.map((write) => canonicalClockJson(write.clock)).sort();
  const heads = (conflict.concurrentWith ?? []).map((head) => canonicalClockJson(head)).sort();
  const text = [layerId, featureId, conflict.field, conflict.kind, writes.join(';'), heads.join(';')].join(
    '|',
  );
  let id = recentIds.get(text);
  if (id === undefined) {
    id = hashToUuid(text);
    // A merge asks for the ids of a feature's open conflicts before and after every change: the same
    // few texts many times. Cleared when full instead of tracking use: a miss only costs a hash.
    if (recentIds.size >= MAX_REMEMBERED_IDS) recentIds.clear();
    recentIds.set(text, id);
  }
  return id;
}

/** conflict texts whose ids are remembered (about 300 bytes each) */
const MAX_REMEMBERED_IDS = 20_000;
const recentIds = new Map<string, string>();

function hashToUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
