import { hasScopes, isScope, missingScopes, Scope, SCOPES } from './scope';

describe('scopes', () => {
  it('knows exactly the scopes of the API', () => {
    expect([...SCOPES].sort()).toEqual(
      [
        'admin',
        'cache:read',
        'cache:write',
        'package:read',
        'package:write',
        'queue:read',
        'queue:submit',
        'sources:admin',
        'sync:read',
        'sync:resolve',
        'sync:write',
      ].sort(),
    );
    expect(isScope('cache:read')).toBe(true);
    expect(isScope('cache:delete')).toBe(false);
    expect(isScope('openid')).toBe(false);
  });

  it('lists the required scopes the caller lacks, once each', () => {
    const granted = new Set<Scope>(['cache:read']);
    expect(missingScopes(granted, ['cache:read', 'cache:write', 'cache:write'])).toEqual(['cache:write']);
    expect(hasScopes(granted, ['cache:read'])).toBe(true);
    expect(hasScopes(granted, ['cache:read', 'sync:read'])).toBe(false);
  });

  it('grants anything when nothing is required', () => {
    expect(hasScopes(new Set(), [])).toBe(true);
  });

  it('treats admin as every scope', () => {
    const admin = new Set<Scope>(['admin']);
    for (const scope of SCOPES) expect(hasScopes(admin, [scope])).toBe(true);
    expect(missingScopes(admin, [...SCOPES])).toEqual([]);
  });

  it('does not let one scope imply another', () => {
    expect(hasScopes(new Set<Scope>(['cache:write']), ['cache:read'])).toBe(false);
    expect(hasScopes(new Set<Scope>(['sources:admin']), ['admin'])).toBe(false);
  });
});
