import { tileToQuadkey } from '@map-offline/geo';
import fc from 'fast-check';
import { inspectUrlTemplate, MAX_URL_TEMPLATE_LENGTH, UrlTemplateInspection } from './url-template';
import { UpstreamSourceErrorCode } from './upstream-error';

function compiled(template: string, scheme: 'xyz' | 'tms' = 'xyz', subdomains?: string[]) {
  const inspection = inspectUrlTemplate(template, { scheme, subdomains });
  if (!inspection.valid) throw new Error(inspection.problems.map((problem) => problem.message).join('; '));
  return inspection.compiled;
}

function problemCodes(inspection: UrlTemplateInspection): UpstreamSourceErrorCode[] {
  return inspection.valid ? [] : inspection.problems.map((problem) => problem.code);
}

function url(template: ReturnType<typeof compiled>, tile: { z: number; x: number; y: number }): string {
  const { origin, path } = template.expand(tile);
  return `${origin}${path}`;
}

describe('URL template expansion', () => {
  it('fills {z} {x} {y} for an XYZ source', () => {
    const template = compiled('https://tile.example.org/{z}/{x}/{y}.png');
    expect(url(template, { z: 3, x: 5, y: 2 })).toBe('https://tile.example.org/3/5/2.png');
    expect(template.origins).toEqual(['https://tile.example.org']);
    expect(template.hosts).toEqual(['tile.example.org']);
  });

  it('fills {-y} with the TMS row 2^z-1-y whatever the scheme', () => {
    for (const scheme of ['xyz', 'tms'] as const) {
      const template = compiled('http://127.0.0.1:4200/tms/{z}/{x}/{-y}.png', scheme);
      expect(url(template, { z: 3, x: 5, y: 2 })).toBe('http://127.0.0.1:4200/tms/3/5/5.png');
      expect(url(template, { z: 0, x: 0, y: 0 })).toBe('http://127.0.0.1:4200/tms/0/0/0.png');
    }
  });

  it('flips {y} when the source scheme is TMS (rows counted from the south)', () => {
    const template = compiled('https://tms.example.org/{z}/{x}/{y}.jpg', 'tms');
    expect(url(template, { z: 4, x: 1, y: 0 })).toBe('https://tms.example.org/4/1/15.jpg');
    expect(url(template, { z: 4, x: 1, y: 15 })).toBe('https://tms.example.org/4/1/0.jpg');
  });

  it('fills {quadkey} with the Bing quadkey (zoom 0 is the empty string)', () => {
    const template = compiled('https://ecn.example.net/tiles/a{quadkey}.jpeg?g=1');
    expect(url(template, { z: 3, x: 3, y: 5 })).toBe('https://ecn.example.net/tiles/a213.jpeg?g=1');
    expect(url(template, { z: 0, x: 0, y: 0 })).toBe('https://ecn.example.net/tiles/a.jpeg?g=1');
  });

  it('chooses the subdomain by (x + y) mod n, so a tile always goes to the same host', () => {
    const template = compiled('https://{s}.tile.example.org/{z}/{x}/{y}.png', 'xyz', ['a', 'b', 'c']);
    expect(template.hosts).toEqual(['a.tile.example.org', 'b.tile.example.org', 'c.tile.example.org']);
    expect(template.expand({ z: 5, x: 4, y: 7 }).origin).toBe('https://c.tile.example.org'); // (4 + 7) mod 3 = 2
    expect(template.expand({ z: 5, x: 4, y: 6 }).origin).toBe('https://b.tile.example.org'); // (4 + 6) mod 3 = 1
    expect(template.expand({ z: 5, x: 0, y: 0 }).origin).toBe('https://a.tile.example.org');
  });

  it('spreads neighbouring tiles over every subdomain and repeats the choice', () => {
    const template = compiled('https://{s}.tile.example.org/{z}/{x}/{y}.png', 'xyz', ['a', 'b', 'c']);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.nat(), (z, xSeed, ySeed) => {
        const side = 2 ** z;
        const tile = { z, x: xSeed % side, y: ySeed % side };
        const first = template.expand(tile).origin;
        expect(template.expand({ ...tile }).origin).toBe(first);
        expect(first).toBe(template.origins[(tile.x + tile.y) % 3]);
      }),
    );
  });

  it('puts {s} in the path too when the template asks for it', () => {
    const template = compiled('https://tiles.example.org/{s}/{z}/{x}/{y}.png', 'xyz', ['one', 'two']);
    expect(url(template, { z: 1, x: 1, y: 0 })).toBe('https://tiles.example.org/two/1/1/0.png');
    expect(template.hosts).toEqual(['tiles.example.org']);
  });

  it('keeps query strings and a non-default port; lower-cases the host', () => {
    const template = compiled('HTTPS://Tiles.Example.ORG:8443/v1/{z}/{x}/{y}.mvt?key=abc&style=x');
    expect(url(template, { z: 2, x: 1, y: 3 })).toBe(
      'https://tiles.example.org:8443/v1/2/1/3.mvt?key=abc&style=x',
    );
    expect(template.hosts).toEqual(['tiles.example.org:8443']);
  });

  it('agrees with the geo library quadkeys at every zoom', () => {
    const template = compiled('http://q.example/{quadkey}');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 }), fc.nat(), fc.nat(), (z, xSeed, ySeed) => {
        const side = 2 ** z;
        const tile = { z, x: xSeed % side, y: ySeed % side };
        expect(template.expand(tile).path).toBe(`/${tileToQuadkey(tile)}`);
      }),
    );
  });
});

describe('URL template validation', () => {
  const inspect = (template: string, subdomains?: string[]) =>
    inspectUrlTemplate(template, { scheme: 'xyz', subdomains });

  it('accepts http and https only', () => {
    expect(problemCodes(inspect('ftp://example.org/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_PROTOCOL,
    ]);
    expect(problemCodes(inspect('file:///{z}/{x}/{y}.png'))).toContain(
      UpstreamSourceErrorCode.TEMPLATE_PROTOCOL,
    );
    const inspection = inspect('javascript://example.org/{z}/{x}/{y}');
    expect(inspection.valid ? '' : inspection.problems[0].message).toBe(
      'the URL template uses "javascript:"; only http and https are allowed',
    );
    expect(problemCodes(inspect('example.org/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
    ]);
  });

  it('needs z, x and y (or -y), or a quadkey, and names what is missing', () => {
    const inspection = inspect('https://example.org/{z}/{x}.png');
    expect(problemCodes(inspection)).toEqual([UpstreamSourceErrorCode.TEMPLATE_MISSING_PLACEHOLDER]);
    expect(inspection.valid ? '' : inspection.problems[0].message).toContain('missing {y}');
    expect(inspect('https://example.org/{z}/{x}/{-y}.png').valid).toBe(true);
    expect(inspect('https://example.org/{quadkey}.png').valid).toBe(true);
  });

  it('requires subdomains for {s} and checks them', () => {
    expect(problemCodes(inspect('https://{s}.example.org/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.SUBDOMAINS_MISSING,
    ]);
    expect(problemCodes(inspect('https://{s}.example.org/{z}/{x}/{y}.png', ['a', 'evil.com/']))).toEqual([
      UpstreamSourceErrorCode.SUBDOMAIN_INVALID,
    ]);
  });

  it('refuses placeholders other than {s} in the host, unknown placeholders and stray braces', () => {
    expect(problemCodes(inspect('https://{z}.example.org/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_PLACEHOLDER_IN_HOST,
    ]);
    const unknown = inspect('https://example.org/{z}/{x}/{y}{r}.png');
    expect(problemCodes(unknown)).toEqual([UpstreamSourceErrorCode.TEMPLATE_UNKNOWN_PLACEHOLDER]);
    expect(unknown.valid ? '' : unknown.problems[0].message).toContain('{r}');
    expect(problemCodes(inspect('https://example.org/{z}/{x/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_UNBALANCED_BRACE,
    ]);
    expect(problemCodes(inspect('https://example.org/{z}/x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_UNBALANCED_BRACE,
    ]);
  });

  it('refuses credentials in the URL, spaces and fragments', () => {
    expect(problemCodes(inspect('https://user:secret@example.org/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_CREDENTIALS,
    ]);
    expect(problemCodes(inspect('https://example.org/my tiles/{z}/{x}/{y}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
    ]);
    expect(problemCodes(inspect('https://example.org/{z}/{x}/{y}.png#top'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_NOT_A_URL,
    ]);
  });

  it(`refuses templates longer than ${MAX_URL_TEMPLATE_LENGTH} characters`, () => {
    const long = `https://example.org/${'a'.repeat(MAX_URL_TEMPLATE_LENGTH)}/{z}/{x}/{y}.png`;
    expect(problemCodes(inspect(long))).toEqual([UpstreamSourceErrorCode.TEMPLATE_TOO_LONG]);
    const atLimit = `https://example.org/{z}/{x}/{y}/`.padEnd(MAX_URL_TEMPLATE_LENGTH, 'a');
    expect(inspect(atLimit).valid).toBe(true);
  });

  it('lists several problems at once', () => {
    expect(problemCodes(inspect('gopher://user@{s}.example.org/{z}.png'))).toEqual([
      UpstreamSourceErrorCode.TEMPLATE_PROTOCOL,
      UpstreamSourceErrorCode.TEMPLATE_CREDENTIALS,
      UpstreamSourceErrorCode.TEMPLATE_MISSING_PLACEHOLDER,
      UpstreamSourceErrorCode.SUBDOMAINS_MISSING,
    ]);
  });
});
