import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { GqlContextType } from '@nestjs/graphql';
import { Response } from 'express';
import { GraphQLError } from 'graphql';
import { DomainError, DomainErrorCode } from '@map-offline/contracts';
import { GeoValidationError } from '@map-offline/geo';
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

@Catch(DomainError, GeoValidationError, UpstreamSourceError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(exception: Error, host: ArgumentsHost): unknown {
    const error = toDomainError(exception) ?? exception;
    if (!(error instanceof DomainError)) throw exception;
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
}
