import { z } from 'zod';
import type { FixtureTileServerOptions } from './fixture-tile-server';

// The fixture server is a test tool, not one of the product's processes, so its variables are parsed
// here rather than in @map-offline/config; main.ts is the only caller and passes process.env in.
const number = z.coerce.number({ error: 'must be a number' });
const rate = number.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

const fixtureEnvironmentSchema = z.object({
  FIXTURE_TILES_HOST: z.string().min(1).default('127.0.0.1'),
  FIXTURE_TILES_PORT: number.int().min(0).max(65535).default(4200),
  FIXTURE_TILES_MAX_ZOOM: number.int().min(0).max(24).default(19),
  FIXTURE_TILES_RESOLUTION: z.enum(['50m', '110m']).default('50m'),
  FIXTURE_TILES_CACHE_MAX_BYTES: number
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  // "0-5": render these zooms of the whole world (or of FIXTURE_TILES_PRERENDER_BBOX) before listening
  FIXTURE_TILES_PRERENDER_ZOOMS: z
    .string()
    .regex(/^\d{1,2}-\d{1,2}$/, 'must look like 0-5')
    .optional(),
  FIXTURE_TILES_PRERENDER_BBOX: z
    .string()
    .regex(/^-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+$/, 'must be west,south,east,north in degrees')
    .optional(),
  FIXTURE_TILES_LATENCY_MS: number.min(0).default(0),
  FIXTURE_TILES_JITTER_MS: number.min(0).default(0),
  FIXTURE_TILES_ERROR_RATE: rate.default(0),
  FIXTURE_TILES_RATE_LIMIT_RATE: rate.default(0),
  FIXTURE_TILES_RETRY_AFTER_SECONDS: number.int().min(0).default(1),
  FIXTURE_TILES_HTML_ERROR_RATE: rate.default(0),
  FIXTURE_TILES_SEED: number.int().optional(),
});

/** Reads the FIXTURE_TILES_* variables once; throws one error naming every bad variable. */
export function fixtureTileOptionsFromEnvironment(environment: NodeJS.ProcessEnv): FixtureTileServerOptions {
  const parsed = fixtureEnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid fixture tile server environment:\n${lines.join('\n')}`);
  }
  const variables = parsed.data;
  const options: FixtureTileServerOptions = {
    host: variables.FIXTURE_TILES_HOST,
    port: variables.FIXTURE_TILES_PORT,
    maxZoom: variables.FIXTURE_TILES_MAX_ZOOM,
    resolution: variables.FIXTURE_TILES_RESOLUTION,
    cacheMaxBytes: variables.FIXTURE_TILES_CACHE_MAX_BYTES,
    faults: {
      latencyMs: variables.FIXTURE_TILES_LATENCY_MS,
      jitterMs: variables.FIXTURE_TILES_JITTER_MS,
      errorRate: variables.FIXTURE_TILES_ERROR_RATE,
      rateLimitRate: variables.FIXTURE_TILES_RATE_LIMIT_RATE,
      retryAfterSeconds: variables.FIXTURE_TILES_RETRY_AFTER_SECONDS,
      htmlErrorRate: variables.FIXTURE_TILES_HTML_ERROR_RATE,
      seed: variables.FIXTURE_TILES_SEED,
    },
  };
  if (variables.FIXTURE_TILES_PRERENDER_ZOOMS !== undefined) {
    const [minZoom, maxZoom] = variables.FIXTURE_TILES_PRERENDER_ZOOMS.split('-').map(Number);
    const bbox = variables.FIXTURE_TILES_PRERENDER_BBOX?.split(',').map(Number);
    options.prerender = {
      minZoom,
      maxZoom,
      bbox: bbox === undefined ? undefined : [bbox[0], bbox[1], bbox[2], bbox[3]],
    };
  }
  return options;
}
