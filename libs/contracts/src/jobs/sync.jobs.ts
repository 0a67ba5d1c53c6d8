import { z } from 'zod';
import { organisationIdField, uuidField } from './common-fields';

/**
 * Merges one pushed batch of offline edits. The batch itself (every change, as pushed) is stored in
 * PostgreSQL before this job is queued, so the payload only names it; a redelivered job finds the
 * batch merged and does nothing.
 */
export const mergeBatchPayload = z.strictObject({
  organisationId: organisationIdField,
  /** the batch id the device chose (unique per organisation) */
  batchId: uuidField,
  jobRunId: uuidField,
});

export type MergeBatchPayload = z.infer<typeof mergeBatchPayload>;

/** How a reviewer closes a conflict. */
export const CONFLICT_RESOLUTIONS = ['KEEP_SERVER', 'KEEP_DEVICE', 'MERGED'] as const;
export type ConflictResolutionChoice = (typeof CONFLICT_RESOLUTIONS)[number];

/**
 * The one entry of a `resolution` batch: the gateway stores the reviewer's decision, and the
 * sync-merger turns it into a change under the feature's lock (its clock must dominate the feature's
 * version vector at that moment, which only the lock holder knows).
 */
export const resolutionIntent = z.strictObject({
  conflictId: uuidField,
  featureId: uuidField,
  /** `geometry`, `deleted` or `properties.<key>` */
  field: z.string().min(1).max(300),
  resolution: z.enum(CONFLICT_RESOLUTIONS),
  /** the value to keep; absent with `removed` for a property that is to be removed */
  value: z.unknown().optional(),
  removed: z.literal(true).optional(),
  /** the reviewer as a server-side writer: `server:<subject>` */
  resolverId: z.string().min(1).max(128),
});

export type ResolutionIntent = z.infer<typeof resolutionIntent>;

/**
 * The one entry of an `edit` batch: an office edit (a server-side writer, `server:<subject>`). The
 * sync-merger gives it a clock that dominates the feature as it is when the edit is merged, so it
 * replaces what the editor saw; a field device's offline edit made before it is concurrent with it,
 * and the layer's policy (e.g. SERVER_WINS) decides between them.
 */
export const serverEditIntent = z.strictObject({
  featureId: uuidField,
  editorId: z.string().min(1).max(128),
  op: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  geometry: z.unknown().optional(),
  set: z.record(z.string(), z.unknown()).optional(),
  unset: z.array(z.string()).optional(),
});

export type ServerEditIntent = z.infer<typeof serverEditIntent>;
