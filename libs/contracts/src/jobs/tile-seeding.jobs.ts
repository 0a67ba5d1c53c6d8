import { z } from 'zod';
import { organisationIdField, uuidField, zoomField } from './common-fields';

/** Tiles per batch job: big enough to amortise one index upsert, small enough to retry cheaply. */
export const MAX_TILES_PER_BATCH = 1_000;

/** The parent job of a cache run: plans the cover and fans out batch jobs. */
export const seedRegionPayload = z.strictObject({
  organisationId: organisationIdField,
  jobRunId: uuidField,
  regionId: uuidField,
  /** Re-fetch tiles fetched before this instant (ISO 8601) with conditional requests; absent = only missing tiles. */
  refreshOlderThan: z.iso.datetime({ error: 'must be an ISO 8601 date-time' }).optional(),
});

/**
 * One batch: `count` tiles of the region's cover at `zoom`, starting at `offset` in the cover's
 * spatially local order. Describing a batch by position instead of a tile list keeps payloads tiny
 * and makes the batch id deterministic.
 */
export const seedBatchPayload = z.strictObject({
  organisationId: organisationIdField,
  jobRunId: uuidField,
  regionId: uuidField,
  zoom: zoomField,
  offset: z.number().int().min(0, 'must be at least 0'),
  count: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_TILES_PER_BATCH, `must be at most ${MAX_TILES_PER_BATCH}`),
  refreshOlderThan: z.iso.datetime({ error: 'must be an ISO 8601 date-time' }).optional(),
});

/** Deletes a region: releases its tiles no other region uses and collects their blobs. */
export const releaseRegionPayload = z.strictObject({
  organisationId: organisationIdField,
  jobRunId: uuidField,
  regionId: uuidField,
});

export type ReleaseRegionPayload = z.infer<typeof releaseRegionPayload>;
export type SeedRegionPayload = z.infer<typeof seedRegionPayload>;
export type SeedBatchPayload = z.infer<typeof seedBatchPayload>;
