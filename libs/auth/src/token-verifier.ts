import { Principal } from './principal';

/**
 * Port: turns a bearer token into a Principal or throws an AuthError. The Nest guard and the
 * WebSocket path depend on this abstract class (it is also the DI token), never on jose.
 */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<Principal>;
}
