import { extractBearerToken } from '../bearer-token';
import { Principal } from '../principal';
import { TokenVerifier } from '../token-verifier';
import { connectionParamsAuthorization } from './request-credentials';

/**
 * Authenticates a graphql-ws connection from `connectionParams.authorization` ("Bearer <token>"),
 * as browsers cannot set headers on a WebSocket. Throws an AuthError. Call it from the graphql-ws
 * `onConnect` hook, keep the principal on `context.extra`, and hand it to the GraphQL context as
 * `principal` so the ScopesGuard checks subscription scopes without verifying again.
 */
export async function authenticateConnectionParams(
  verifier: TokenVerifier,
  connectionParams: unknown,
): Promise<Principal> {
  return verifier.verify(extractBearerToken(connectionParamsAuthorization(connectionParams)));
}
