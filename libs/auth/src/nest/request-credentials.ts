import { ExecutionContext } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { Principal } from '../principal';

/**
 * What the guard looks for in the GraphQL context. Over HTTP, Nest puts the request in `req`. For a
 * graphql-ws subscription the gateway may put an already authenticated `principal` (see
 * authenticateConnectionParams) or leave `connectionParams` (Nest's default context then holds the
 * graphql-ws context, connectionParams included, in `req`).
 */
export interface AuthGraphqlContext {
  req?: unknown;
  principal?: Principal;
  connectionParams?: unknown;
}

export interface RequestCredentials {
  /** The object the principal is remembered on for this request (the HTTP request, else the GraphQL context). */
  carrier: object;
  /** The Authorization value: an HTTP header or connectionParams.authorization; undefined when absent. */
  authorization: unknown;
  /** Set when the transport already authenticated the caller (graphql-ws onConnect). */
  principal?: Principal;
}

export function requestCredentials(context: ExecutionContext): RequestCredentials {
  if (context.getType<GqlContextType>() === 'graphql') {
    return graphqlCredentials(GqlExecutionContext.create(context).getContext<AuthGraphqlContext>());
  }
  if (context.getType() === 'http') {
    const request = context.switchToHttp().getRequest<unknown>();
    return { carrier: asObject(request) ?? {}, authorization: headerAuthorization(request) };
  }
  // Microservice and WebSocket-gateway handlers carry no bearer token this library knows how to read.
  return { carrier: {}, authorization: undefined };
}

function graphqlCredentials(graphqlContext: AuthGraphqlContext): RequestCredentials {
  const request = asObject(graphqlContext.req);
  const carrier = request ?? graphqlContext;
  if (graphqlContext.principal !== undefined) {
    return { carrier, authorization: undefined, principal: graphqlContext.principal };
  }
  if (request !== undefined && 'headers' in request) {
    return { carrier, authorization: headerAuthorization(request) };
  }
  const connectionParams =
    graphqlContext.connectionParams ??
    (request === undefined ? undefined : readProperty(request, 'connectionParams'));
  return { carrier, authorization: connectionParamsAuthorization(connectionParams) };
}

function headerAuthorization(request: unknown): unknown {
  const requestObject = asObject(request);
  // Node's IncomingMessage exposes `headers` through a prototype getter, so read it with Reflect.get.
  const headers = requestObject === undefined ? undefined : asObject(readProperty(requestObject, 'headers'));
  return headers === undefined ? undefined : readProperty(headers, 'authorization');
}

/** graphql-ws clients send `{ authorization: 'Bearer …' }` (some capitalise the key). */
export function connectionParamsAuthorization(connectionParams: unknown): unknown {
  const params = asObject(connectionParams);
  if (params === undefined) return undefined;
  return readProperty(params, 'authorization') ?? readProperty(params, 'Authorization');
}

function readProperty(value: object, name: string): unknown {
  return Reflect.get(value, name);
}

function asObject(value: unknown): object | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}
