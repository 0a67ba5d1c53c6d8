import { AuthError, AuthErrorCode } from './auth-error';
import { principalFromClaims, scopesFromClaims } from './principal-claims';

describe('principalFromClaims', () => {
  it('builds a user principal', () => {
    const principal = principalFromClaims({
      sub: 'alice',
      org: 'demo',
      scope: 'cache:read sync:write',
      jti: 't-1',
    });
    expect(principal).toEqual({
      subject: 'alice',
      organisationId: 'demo',
      scopes: new Set(['cache:read', 'sync:write']),
      isService: false,
      tokenId: 't-1',
    });
  });

  it('reads scopes from space-separated "scope", from a "scp" array and from a "scp" string', () => {
    expect(scopesFromClaims({ scope: '  cache:read   cache:write ' })).toEqual(
      new Set(['cache:read', 'cache:write']),
    );
    expect(scopesFromClaims({ scp: ['queue:submit', 'queue:read'] })).toEqual(
      new Set(['queue:submit', 'queue:read']),
    );
    expect(scopesFromClaims({ scp: 'sync:read sync:resolve' })).toEqual(
      new Set(['sync:read', 'sync:resolve']),
    );
    expect(scopesFromClaims({ scope: 'cache:read', scp: ['package:read'] })).toEqual(
      new Set(['cache:read', 'package:read']),
    );
  });

  it('drops unknown scopes and ignores values of the wrong type', () => {
    expect(scopesFromClaims({ scope: 'openid profile cache:read cache:readx' })).toEqual(
      new Set(['cache:read']),
    );
    expect(scopesFromClaims({ scp: ['cache:read', 7, null] })).toEqual(new Set(['cache:read']));
    expect(scopesFromClaims({ scope: 42 })).toEqual(new Set());
    expect(scopesFromClaims({})).toEqual(new Set());
  });

  it('does not split a comma-separated scope string (that is not the OAuth format)', () => {
    expect(scopesFromClaims({ scope: 'cache:read,cache:write' })).toEqual(new Set());
  });

  it.each([
    ['absent', {}],
    ['empty', { org: '' }],
    ['blank', { org: '   ' }],
    ['not a string', { org: 12 }],
    ['an array', { org: ['demo'] }],
  ])('refuses a token whose org claim is %s', (_label, claims) => {
    expect(() => principalFromClaims({ sub: 'alice', ...claims })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MISSING_ORGANISATION }),
    );
  });

  it('refuses a token without a subject as malformed', () => {
    expect(() => principalFromClaims({ org: 'demo' })).toThrow(AuthError);
    expect(() => principalFromClaims({ org: 'demo', sub: '' })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MALFORMED_TOKEN }),
    );
  });

  it('recognises client-credentials tokens by gty', () => {
    const principal = principalFromClaims({
      sub: 'svc-1@clients',
      org: 'demo',
      gty: 'client-credentials',
      azp: 'svc-1',
    });
    expect(principal.isService).toBe(true);
    expect(principal.clientId).toBe('svc-1');
  });

  it('recognises client-credentials tokens by sub == client_id', () => {
    const principal = principalFromClaims({ sub: 'seeder', client_id: 'seeder', org: 'demo' });
    expect(principal).toMatchObject({ isService: true, clientId: 'seeder', subject: 'seeder' });
  });

  it('keeps a user token issued through a client a user token', () => {
    const principal = principalFromClaims({ sub: 'alice', client_id: 'field-app', org: 'demo' });
    expect(principal).toMatchObject({ isService: false, clientId: 'field-app' });
  });

  it('prefers client_id over azp', () => {
    expect(principalFromClaims({ sub: 'a', org: 'o', client_id: 'one', azp: 'two' }).clientId).toBe('one');
  });
});
