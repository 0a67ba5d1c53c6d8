import { errors, JWTPayload, jwtVerify, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { ResolvedAuthConfig } from './auth-config';
import { AuthError, AuthErrorCode } from './auth-error';
import { authErrorFromJose } from './jose-error-mapping';
import { Principal } from './principal';
import { principalFromClaims } from './principal-claims';
import { TokenVerifier } from './token-verifier';
import { VerifiedTokenCache } from './verified-token.cache';

/**
 * Verifies with jose: the signature with the pinned algorithms only (alg `none` and HMAC are refused
 * before any key is looked up), then `iss`, `aud`, `exp` and `nbf` with the configured clock tolerance.
 * `exp` and `sub` are required: a token that never expires is refused.
 */
export class JoseTokenVerifier extends TokenVerifier {
  private readonly options: JWTVerifyOptions;

  constructor(
    config: Pick<ResolvedAuthConfig, 'issuer' | 'audience' | 'algorithms' | 'clockToleranceSeconds'>,
    private readonly keys: JWTVerifyGetKey,
    private readonly verified: VerifiedTokenCache = new VerifiedTokenCache(),
  ) {
    super();
    this.options = {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: [...config.algorithms],
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    };
  }

  async verify(token: string): Promise<Principal> {
    if (token === '') throw new AuthError(AuthErrorCode.MISSING_TOKEN);
    const cached = this.verified.get(token);
    if (cached !== undefined) return cached;
    const claims = await this.verifiedClaims(token);
    const principal = principalFromClaims(claims);
    this.verified.set(token, principal, claims.exp);
    return principal;
  }

  private async verifiedClaims(token: string): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, this.keys, this.options)).payload;
    } catch (error: unknown) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) return this.verifyWithEachCandidate(token, error);
      throw authErrorFromJose(error);
    }
  }

  /** A token without `kid` can match several keys of a set; the first whose signature verifies wins. */
  private async verifyWithEachCandidate(
    token: string,
    candidates: errors.JWKSMultipleMatchingKeys,
  ): Promise<JWTPayload> {
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, this.options)).payload;
      } catch (error: unknown) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw authErrorFromJose(error);
      }
    }
    throw new AuthError(AuthErrorCode.INVALID_SIGNATURE);
  }
}
