import { flipY, TileCoord, tileToQuadkey } from '@map-offline/geo';
import type { TileScheme } from './tile-source';
import { UpstreamSourceErrorCode, UpstreamSourceProblem } from './upstream-error';

/** characters; the tile_source column is varchar(2048) */
export const MAX_URL_TEMPLATE_LENGTH = 2048;

type Placeholder = 'z' | 'x' | 'y' | '-y' | 's' | 'quadkey';
const PLACEHOLDERS: ReadonlySet<string> = new Set<Placeholder>(['z', 'x', 'y', '-y', 's', 'quadkey']);

/** A literal piece of the path, or a placeholder to fill in per tile. */
type PathPart = { literal: string } | { placeholder: Placeholder };

export interface ExpandedTileUrl {
  /** scheme://host[:port], one of CompiledUrlTemplate.origins */
  origin: string;
  /** path and query, starting with '/' */
  path: string;
}

export interface CompiledUrlTemplate {
  readonly template: string;
  readonly scheme: TileScheme;
  /** One per subdomain (one when the template has no {s}), e.g. https://a.tile.example.org */
  readonly origins: readonly string[];
  /** Distinct host[:port] the template can reach, for the caller's allow-list check */
  readonly hosts: readonly string[];
  expand(tile: TileCoord): ExpandedTileUrl;
}

export type UrlTemplateInspection =
  { valid: true; compiled: CompiledUrlTemplate } | { valid: false; problems: UpstreamSourceProblem[] };

export interface UrlTemplateOptions {
  scheme: TileScheme;
  subdomains?: readonly string[];
}

// A subdomain is one or more DNS labels (letters, digits, hyphens, dots); nothing that can change the URL's shape.
const SUBDOMAIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
// Printable ASCII without space: anything else must be percent-encoded in the template already.
const NON_URL_CHARACTER = /[^\x21-\x7e]/;

/**
 * Checks a template and lists every problem, or compiles it into an expander that only concatenates
 * strings (it runs once per tile request). Only {s} may appear in the host, so the hosts a source can
 * reach are known up front and can be checked against an allow-list.
 */
export function inspectUrlTemplate(template: string, options: UrlTemplateOptions): UrlTemplateInspection {
  const problems: UpstreamSourceProblem[] = [];
  const problem = (code: UpstreamSourceErrorCode, message: string): void => {
    problems.push({ code, message });
  };
  if (typeof template !== 'string' || template.length === 0) {
    problem(UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL, 'the URL template is empty');
    return { valid: false, problems };
  }
  if (template.length > MAX_URL_TEMPLATE_LENGTH) {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_TOO_LONG,
      `the URL template is ${template.length} characters long; at most ${MAX_URL_TEMPLATE_LENGTH} are allowed`,
    );
    return { valid: false, problems };
  }
  if (NON_URL_CHARACTER.test(template)) {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
      'the URL template contains spaces or non-ASCII characters; percent-encode them',
    );
  }

  const separator = template.indexOf('://');
  const protocol = separator === -1 ? '' : template.slice(0, separator).toLowerCase();
  if (separator === -1) {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
      'the URL template must start with http:// or https://',
    );
    return { valid: false, problems };
  }
  if (protocol !== 'http' && protocol !== 'https') {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_PROTOCOL,
      `the URL template uses "${protocol}:"; only http and https are allowed`,
    );
  }
  const afterProtocol = separator + 3;
  const authorityEnd = firstIndexOf(template, ['/', '?', '#'], afterProtocol);
  const authority = template.slice(afterProtocol, authorityEnd);
  const rest = template.slice(authorityEnd);
  if (authority.includes('@')) {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_CREDENTIALS,
      'the URL template carries user credentials; send them as a secret header instead',
    );
  }
  if (rest.includes('#')) {
    problem(
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
      'the URL template has a fragment (#...), which is never sent',
    );
  }

  const authorityParts = parseParts(authority, problem);
  const pathParts = parseParts(rest.startsWith('/') ? rest : `/${rest}`, problem);
  if (authorityParts === undefined || pathParts === undefined) return { valid: false, problems };

  for (const part of authorityParts) {
    if ('placeholder' in part && part.placeholder !== 's') {
      problem(
        UpstreamSourceErrorCode.TEMPLATE_PLACEHOLDER_IN_HOST,
        `{${part.placeholder}} appears in the host; only {s} may be used there`,
      );
    }
  }
  const used = new Set<Placeholder>();
  for (const part of [...authorityParts, ...pathParts]) if ('placeholder' in part) used.add(part.placeholder);
  const hasRow = used.has('y') || used.has('-y');
  if (!used.has('quadkey') && !(used.has('z') && used.has('x') && hasRow)) {
    const missing = ['z', 'x', 'y'].filter((name) =>
      name === 'y' ? !hasRow : !used.has(name as Placeholder),
    );
    problem(
      UpstreamSourceErrorCode.TEMPLATE_MISSING_PLACEHOLDER,
      `the URL template needs {z}, {x} and {y} (or {-y}), or {quadkey}; missing ${missing.map((name) => `{${name}}`).join(', ')}`,
    );
  }

  const subdomains = options.subdomains ?? [];
  if (used.has('s') && subdomains.length === 0) {
    problem(
      UpstreamSourceErrorCode.SUBDOMAINS_MISSING,
      'the URL template uses {s} but the source lists no subdomains',
    );
  }
  subdomains.forEach((subdomain, index) => {
    if (typeof subdomain !== 'string' || !SUBDOMAIN_PATTERN.test(subdomain)) {
      problem(
        UpstreamSourceErrorCode.SUBDOMAIN_INVALID,
        `subdomains[${index}] must be letters, digits, hyphens and dots (a DNS name part)`,
      );
    }
  });
  if (problems.length > 0) return { valid: false, problems };

  // {s} only matters when the template uses it; without it there is one origin.
  const values = used.has('s') ? subdomains : [''];
  const origins: string[] = [];
  const hosts: string[] = [];
  for (const subdomain of values) {
    const host = authorityParts.map((part) => ('literal' in part ? part.literal : subdomain)).join('');
    let parsed: URL;
    try {
      parsed = new URL(`${protocol}://${host}/`);
    } catch {
      problem(
        UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
        `"${protocol}://${host}" is not a valid URL origin`,
      );
      continue;
    }
    if (parsed.hostname === '') {
      problem(UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL, 'the URL template has no host');
      continue;
    }
    origins.push(parsed.origin);
    hosts.push(parsed.host);
  }
  if (problems.length > 0) return { valid: false, problems };
  const uniqueHosts = [...new Set(hosts)];
  return {
    valid: true,
    compiled: new TemplateExpander(template, options.scheme, origins, uniqueHosts, pathParts, subdomains),
  };
}

function firstIndexOf(text: string, characters: string[], from: number): number {
  let found = text.length;
  for (const character of characters) {
    const index = text.indexOf(character, from);
    if (index !== -1 && index < found) found = index;
  }
  return found;
}

function parseParts(
  text: string,
  problem: (code: UpstreamSourceErrorCode, message: string) => void,
): PathPart[] | undefined {
  const parts: PathPart[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    if (character === '}') {
      problem(
        UpstreamSourceErrorCode.TEMPLATE_UNBALANCED_BRACE,
        `a "}" at "${excerpt(text, index)}" has no "{"`,
      );
      return undefined;
    }
    if (character !== '{') {
      literal += character;
      index += 1;
      continue;
    }
    const close = text.indexOf('}', index);
    const nextOpen = text.indexOf('{', index + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      problem(
        UpstreamSourceErrorCode.TEMPLATE_UNBALANCED_BRACE,
        `a "{" at "${excerpt(text, index)}" is not closed`,
      );
      return undefined;
    }
    const name = text.slice(index + 1, close);
    if (!PLACEHOLDERS.has(name)) {
      problem(
        UpstreamSourceErrorCode.TEMPLATE_UNKNOWN_PLACEHOLDER,
        `{${name}} is not a known placeholder (use {z} {x} {y} {-y} {s} {quadkey})`,
      );
      return undefined;
    }
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ placeholder: name as Placeholder });
    index = close + 1;
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

function excerpt(text: string, index: number): string {
  return text.slice(Math.max(0, index - 10), index + 10);
}

class TemplateExpander implements CompiledUrlTemplate {
  constructor(
    readonly template: string,
    readonly scheme: TileScheme,
    readonly origins: readonly string[],
    readonly hosts: readonly string[],
    private readonly pathParts: readonly PathPart[],
    private readonly subdomains: readonly string[],
  ) {}

  expand(tile: TileCoord): ExpandedTileUrl {
    // (x + y) mod n: neighbouring tiles spread over the hosts, and a tile always goes to the same one,
    // so the upstream's per-host caches stay warm across refreshes.
    const subdomainIndex = this.origins.length === 1 ? 0 : (tile.x + tile.y) % this.origins.length;
    let path = '';
    for (const part of this.pathParts) {
      if ('literal' in part) {
        path += part.literal;
        continue;
      }
      switch (part.placeholder) {
        case 'z':
          path += tile.z;
          break;
        case 'x':
          path += tile.x;
          break;
        case 'y':
          path += this.scheme === 'tms' ? flipY(tile.y, tile.z) : tile.y;
          break;
        case '-y':
          path += flipY(tile.y, tile.z);
          break;
        case 's':
          path += this.subdomains[subdomainIndex] ?? '';
          break;
        case 'quadkey':
          path += tileToQuadkey(tile);
          break;
      }
    }
    return { origin: this.origins[subdomainIndex], path };
  }
}
