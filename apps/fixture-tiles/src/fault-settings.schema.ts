import { z } from 'zod';

const rate = z.number().min(0).max(1);
const tileCoordinate = z.object({
  z: z.number().int().min(0).max(30),
  x: z.number().int().min(0),
  y: z.number().int().min(0),
});

/** Statuses a "fail these tiles" fault may answer with (429 carries Retry-After). */
export const FAIL_TILE_STATUSES = [429, 500, 502, 503, 504] as const;

export const failTilesSchema = z.object({
  tiles: z.array(tileCoordinate).min(1),
  /** How many requests for each tile fail before it is served normally. */
  times: z.number().int().min(1),
  status: z.literal(FAIL_TILE_STATUSES).default(500),
});

/**
 * What can go wrong, for tile requests only (never /__ routes). Rates are probabilities per request;
 * one draw decides 500, then 429, then the HTML page, so their sum must be at most 1.
 */
export const faultSettingsSchema = z
  .object({
    /** milliseconds added before every tile response (404 and 304 included) */
    latencyMs: z.number().min(0).max(60_000).default(0),
    /** milliseconds of extra latency, uniform in [0, jitterMs) */
    jitterMs: z.number().min(0).max(60_000).default(0),
    /** share of tile requests answered 500 */
    errorRate: rate.default(0),
    /** share of tile requests answered 429 with Retry-After */
    rateLimitRate: rate.default(0),
    /** seconds, sent in Retry-After with every 429 */
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
    /** share of tile requests answered 200 with an HTML error page (a captive portal or proxy) */
    htmlErrorRate: rate.default(0),
    /** makes every draw repeatable; without it a random seed is picked */
    seed: z.number().int().optional(),
    failTiles: z.array(failTilesSchema).default([]),
  })
  .strict()
  .refine((settings) => settings.errorRate + settings.rateLimitRate + settings.htmlErrorRate <= 1, {
    message: 'errorRate + rateLimitRate + htmlErrorRate must be at most 1',
  });

/** What callers pass (every field optional). */
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;
export type FaultSettings = z.output<typeof faultSettingsSchema>;
export type FailTilesSettings = z.output<typeof failTilesSchema>;
