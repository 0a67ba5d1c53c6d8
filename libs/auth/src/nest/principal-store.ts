import { Principal } from '../principal';

/**
 * The principal of each in-flight request, keyed by the request (or GraphQL context) object so it is
 * dropped with it. A GraphQL operation with several top-level fields runs the guard once per field;
 * the token is verified once.
 */
const verifications = new WeakMap<object, Promise<Principal>>();
const principals = new WeakMap<object, Principal>();

export function rememberVerification(carrier: object, verify: () => Promise<Principal>): Promise<Principal> {
  const existing = verifications.get(carrier);
  if (existing !== undefined) return existing;
  const verification = verify().then((principal) => {
    principals.set(carrier, principal);
    return principal;
  });
  verifications.set(carrier, verification);
  return verification;
}

export function rememberPrincipal(carrier: object, principal: Principal): void {
  principals.set(carrier, principal);
}

export function rememberedPrincipal(carrier: object): Principal | undefined {
  return principals.get(carrier);
}
