import { parseTokenArguments, TokenUsageError } from './development-token-arguments';

describe('parseTokenArguments', () => {
  it('parses the documented flags', () => {
    expect(
      parseTokenArguments([
        '--org',
        'demo',
        '--scopes',
        'cache:read,cache:write',
        '--sub=alice',
        '--client',
        'field-app',
        '--ttl',
        '600',
      ]),
    ).toEqual({
      kind: 'sign',
      request: {
        organisationId: 'demo',
        scopes: ['cache:read', 'cache:write'],
        subject: 'alice',
        clientId: 'field-app',
        ttlSeconds: 600,
      },
    });
  });

  it('answers --help', () => {
    expect(parseTokenArguments(['--org', 'x', '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--org', 'demo'], '--scopes is required'],
    [['--scopes', 'cache:read'], '--org is required'],
    [['--org', 'demo', '--scopes', 'cache:read,cache:delete'], 'unknown scope(s) in --scopes: cache:delete'],
    [['--org', 'demo', '--scopes', ','], '--scopes needs at least one scope'],
    [['--org', 'demo', '--scope', 'cache:read'], 'unknown flag --scope'],
    [['--org', '--scopes', 'cache:read'], '--org needs a value'],
    [['--org', 'demo', '--scopes', 'cache:read', '--ttl', '1.5'], '--ttl must be a positive whole number'],
    [['--org', 'demo', '--scopes', 'cache:read', '--ttl', '0'], '--ttl must be a positive whole number'],
    [['--org', 'demo', '--org', 'other', '--scopes', 'admin'], '--org is given twice'],
    [['demo'], 'unexpected argument "demo"'],
  ])('%p fails with "%s"', (argv, message) => {
    expect(() => parseTokenArguments(argv)).toThrow(TokenUsageError);
    expect(() => parseTokenArguments(argv)).toThrow(message);
  });
});
