import { ArgumentsHost, Catch, HttpException, IntrinsicException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { Response } from 'express';
import { GraphQLError } from 'graphql';
import { DomainError, DomainErrorCode } from '@map-offline/contracts';
import { GeoValidationError } from '@map-offline/geo';
import { isDatabaseUnavailableError } from '@map-offline/runtime';
import { UpstreamSourceError } from '@map-offline/upstream';

interface ErrorShape {
  code: string;
  status: number;
}

/** The one place that knows how domain errors look over GraphQL and HTTP. */
export function errorShape(code: DomainErrorCode): ErrorShape {
  switch (code) {
    case DomainErrorCode.INVALID_INPUT:
      return { code: 'BAD_USER_INPUT', status: 400 };
    case DomainErrorCode.LIMIT_EXCEEDED:
      return { code: 'LIMIT_EXCEEDED', status: 400 };
    case DomainErrorCode.NOT_FOUND:
      return { code: 'NOT_FOUND', status: 404 };
    case DomainErrorCode.CONFLICT:
      return { code: 'CONFLICT', status: 409 };
    case DomainErrorCode.UNAVAILABLE:
      return { code: 'SERVICE_UNAVAILABLE', status: 503 };
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unmapped domain error code ${String(value)}`);
}

/** seconds a caller should wait before retrying a request that failed because PostgreSQL was away */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Validation errors of the pure libraries are input errors with their field named. */
export function toDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof GeoValidationError) {
    return new DomainError(DomainErrorCode.INVALID_INPUT, error.message, { field: error.field });
  }
  if (error instanceof UpstreamSourceError) {
    return new DomainError(DomainErrorCode.INVALID_INPUT, error.message, { field: 'urlTemplate' });
  }
  return undefined;
}

/**
 * PostgreSQL unreachable (stopped, restarting, failing over) is UNAVAILABLE, so callers retry rather than
 * give up. Kept out of toDomainError: a per-item error of a bulk submission is stored with it, and an
 * outage is no property of the item.
 */
export function toUnavailableError(error: unknown): DomainError | undefined {
  if (!isDatabaseUnavailableError(error)) return undefined;
  return new DomainError(
    DomainErrorCode.UNAVAILABLE,
    `the database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds`,
    { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  );
}

/**
 * Catches everything, because a database connection error has no class of its own (a Node.js system
 * error, a driver error, TypeORM's wrapper); what is not a domain error after toDomainError goes on
 * exactly as without this filter. AuthError has its own global filter, registered later in the module
 * tree and so consulted first (Nest tries global filters in reverse registration order).
 */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter {
  private static readonly unhandledLogger = new Logger('ExceptionsHandler');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    const error = toDomainError(exception) ?? toUnavailableError(exception);
    if (!error) return this.unhandled(exception, host);
    const shape = errorShape(error.code);
    if (host.getType<GqlContextType>() === 'graphql') {
      return new GraphQLError(error.message, {
        extensions: {
          code: shape.code,
          ...error.details,
          ...(error.details.retryAfterSeconds ? { http: { status: shape.status } } : {}),
        },
      });
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (error.details.retryAfterSeconds)
      response.setHeader('Retry-After', String(error.details.retryAfterSeconds));
    response.status(shape.status).json({ error: shape.code, message: error.message, ...error.details });
    return new HttpException(error.message, shape.status);
  }

  /** Nest's own handling: HTTP gets its default response; GraphQL logs and rethrows (as Nest's handler does). */
  private unhandled(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() === 'http') return super.catch(exception, host);
    if (exception instanceof Error && !(exception instanceof IntrinsicException)) {
      DomainErrorFilter.unhandledLogger.error(exception);
    }
    throw exception;
  }
}
