/**
 * What happens when two devices wrote the same field without seeing each other's write. Every policy
 * is a function of the SET of concurrent writes, never of which one arrived first, so two servers
 * that receive the same changes in different orders pick the same value (see README.md).
 */
export enum FieldPolicy {
  /** Different fields merge; the same field written with different values becomes a conflict. */
  AUTO_MERGE = 'AUTO_MERGE',
  /** The write with the greatest HLC wins (device id breaks ties); never a conflict. */
  LAST_WRITER_WINS = 'LAST_WRITER_WINS',
  /** Server-side writes (`server:` device ids) beat field devices; among equals the earliest edit stands. */
  SERVER_WINS = 'SERVER_WINS',
  /** Field-device writes beat server-side writes; among equals the latest edit wins. */
  CLIENT_WINS = 'CLIENT_WINS',
  /** Like AUTO_MERGE, and concurrent changes to different fields are also held for review. */
  MANUAL = 'MANUAL',
}

/** What happens when one device deletes a feature while another, unaware, updates it. */
export enum DeleteRule {
  DELETE_WINS = 'DELETE_WINS',
  /** The update restores the feature. */
  UPDATE_WINS = 'UPDATE_WINS',
  /** A conflict for review; the feature stays visible until it is resolved. */
  REVIEW = 'REVIEW',
}

export interface MergePolicy {
  fields: FieldPolicy;
  /** Ignored under MANUAL, where a delete against a concurrent update is always reviewed. */
  deletes: DeleteRule;
}

export const DEFAULT_MERGE_POLICY: MergePolicy = {
  fields: FieldPolicy.AUTO_MERGE,
  deletes: DeleteRule.REVIEW,
};

export function effectiveDeleteRule(policy: MergePolicy): DeleteRule {
  return policy.fields === FieldPolicy.MANUAL ? DeleteRule.REVIEW : policy.deletes;
}
