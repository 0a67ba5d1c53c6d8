import { DEFAULT_DEVELOPMENT_KEY_DIRECTORY } from './auth-config';
import { DevelopmentTokenRequest } from './development-token';
import { isScope, SCOPES, Scope } from './scope';

export const TOKEN_USAGE = [
  'usage: npm run token -- --org <organisation> --scopes <scope,scope,...> [options]',
  '',
  '  --org <id>          organisation (tenant) of the caller, the "org" claim (required)',
  '  --scopes <list>     comma-separated scopes (required), from:',
  `                      ${SCOPES.join(', ')}`,
  '  --sub <subject>     user id, the "sub" claim (default: the client id, else "developer")',
  '  --client <id>       client id; without --sub the token is a client-credentials (service) token',
  '  --ttl <seconds>     lifetime in seconds (default 3600)',
  '  --issuer <iss>      default map-offline-dev (the gateway default AUTH_ISSUER)',
  '  --audience <aud>    default map-offline (the gateway default AUTH_AUDIENCE)',
  `  --key-dir <path>    development key directory (default ${DEFAULT_DEVELOPMENT_KEY_DIRECTORY})`,
  '  --help              print this text',
].join('\n');

export type TokenCommand = { kind: 'help' } | { kind: 'sign'; request: DevelopmentTokenRequest };

/** A command-line mistake; the message names the flag or value at fault. */
export class TokenUsageError extends Error {
  override readonly name = 'TokenUsageError';
}

const VALUE_FLAGS = ['org', 'scopes', 'sub', 'client', 'ttl', 'issuer', 'audience', 'key-dir'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

/** Parses `--flag value` and `--flag=value` arguments (process.argv without node and the script). */
export function parseTokenArguments(argv: readonly string[]): TokenCommand {
  const values = new Map<ValueFlag, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') return { kind: 'help' };
    if (!argument.startsWith('--')) throw new TokenUsageError(`unexpected argument "${argument}"`);
    const equalsAt = argument.indexOf('=');
    const name = argument.slice(2, equalsAt === -1 ? undefined : equalsAt);
    if (!isValueFlag(name)) throw new TokenUsageError(`unknown flag --${name}`);
    if (values.has(name)) throw new TokenUsageError(`--${name} is given twice`);
    let value: string | undefined;
    if (equalsAt !== -1) {
      value = argument.slice(equalsAt + 1);
    } else {
      const next = argv[index + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        index += 1;
      }
    }
    if (value === undefined || value.trim() === '') throw new TokenUsageError(`--${name} needs a value`);
    values.set(name, value.trim());
  }
  return { kind: 'sign', request: requestFromFlags(values) };
}

function requestFromFlags(values: ReadonlyMap<ValueFlag, string>): DevelopmentTokenRequest {
  const organisationId = values.get('org');
  if (organisationId === undefined) throw new TokenUsageError('--org is required');
  const scopeList = values.get('scopes');
  if (scopeList === undefined) throw new TokenUsageError('--scopes is required');
  const ttl = values.get('ttl');
  const optional = (flag: ValueFlag, key: keyof DevelopmentTokenRequest) =>
    values.has(flag) ? { [key]: values.get(flag) } : {};
  return {
    organisationId,
    scopes: parseScopes(scopeList),
    ...optional('sub', 'subject'),
    ...optional('client', 'clientId'),
    ...optional('issuer', 'issuer'),
    ...optional('audience', 'audience'),
    ...optional('key-dir', 'keyDirectory'),
    ...(ttl === undefined ? {} : { ttlSeconds: parseTtl(ttl) }),
  };
}

function parseScopes(list: string): Scope[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new TokenUsageError('--scopes needs at least one scope');
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0) {
    throw new TokenUsageError(
      `unknown scope(s) in --scopes: ${unknown.join(', ')} (known: ${SCOPES.join(', ')})`,
    );
  }
  return names.filter(isScope);
}

function parseTtl(text: string): number {
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new TokenUsageError(`--ttl must be a positive whole number of seconds, got "${text}"`);
  }
  return seconds;
}
