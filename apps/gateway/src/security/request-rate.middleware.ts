import { NextFunction, Request, Response } from 'express';
import { AppLogger } from '@map-offline/observability';
import { RequestRateLimiter } from './request-rate.limiter';

/** Probes and scrapes are never limited: a throttled readiness probe would take the pod out of service. */
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/**
 * Presigned storage URLs (filesystem driver) are bounded by their signature and expiry already; limiting
 * them per address would throttle a device uploading a thousand tiles it was just given URLs for.
 */
const UNLIMITED_PREFIXES = ['/storage/objects/'];

/** HTTP requests over the caller's rate get 429 with Retry-After; if Redis is down the request goes through. */
export function requestRateMiddleware(limiter: RequestRateLimiter, logger: AppLogger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (
      UNLIMITED_PATHS.has(request.path) ||
      UNLIMITED_PREFIXES.some((prefix) => request.path.startsWith(prefix))
    ) {
      return next();
    }
    const caller = RequestRateLimiter.callerKey(request.headers.authorization, request.ip);
    limiter.take(caller).then(
      (decision) => {
        response.setHeader('RateLimit-Remaining', String(decision.remaining));
        if (decision.allowed) return next();
        response.setHeader('Retry-After', String(decision.retryAfterSeconds));
        response.status(429).json({
          errors: [
            {
              message: `rate limit exceeded; retry after ${decision.retryAfterSeconds} s`,
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds },
            },
          ],
        });
      },
      (error: unknown) => {
        // Failing open: refusing every request while Redis restarts would turn a blip into an outage.
        logger.warn({ err: error }, 'rate limiter unavailable; request allowed');
        next();
      },
    );
  };
}
