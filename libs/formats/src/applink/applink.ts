import { FormatError, FormatErrorCode } from '../format-error';

/** Where CyberTracker and SMART Mobile intercept install links (section 4.2 of the package format). */
export const CYBERTRACKER_APPLINK_BASE = 'https://cybertrackerwiki.org/applink/';
export const SMART_APPLINK_BASE = 'https://cybertrackerwiki.org/applink-smart/';

export type ApplinkApp = 'cybertracker' | 'smart';

/** Spaces JSON may hold between its tokens; varied to find a payload whose base64 needs no escaping. */
const WHITESPACE_CHOICES = ['', ' ', '  '];

/**
 * `https://cybertrackerwiki.org/applink/?x=<payload>`, where the payload is standard base64 (RFC 4648
 * section 4: `+`, `/` and `=` padding, as the reference's Python `base64.b64encode` gives) of the JSON
 * `{"webUpdateUrl": "<url>"}`, appended to the URL without percent-encoding, exactly as the reference does.
 *
 * A `+` in a query value becomes a space for readers that form-decode the query (and chat apps sometimes
 * mangle `/` and `=`), so the JSON's insignificant whitespace is varied, starting with the reference's own
 * spacing, to find a payload whose base64 is letters and digits only: such a link reads the same whether
 * the app URL-decodes the query or takes it raw. When no spacing gives one, the reference form is used.
 */
export function cyberTrackerApplink(webUpdateUrl: string, app: ApplinkApp = 'cybertracker'): string {
  const url = parseDownloadUrl(webUpdateUrl);
  const base = app === 'smart' ? SMART_APPLINK_BASE : CYBERTRACKER_APPLINK_BASE;
  const payload = findPlainBase64Payload(url) ?? encodePayload(url, ' ', '', '');
  return `${base}?x=${payload}`;
}

/** The SMART Mobile variant (`applink-smart`). */
export function smartApplink(webUpdateUrl: string): string {
  return cyberTrackerApplink(webUpdateUrl, 'smart');
}

/** Reads an applink back: which app it targets and the package URL inside (used to verify QR codes). */
export function parseApplink(link: string): { app: ApplinkApp; webUpdateUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    throw new FormatError(FormatErrorCode.INVALID_APPLINK, 'applink is not a URL');
  }
  const base = `${parsed.origin}${parsed.pathname}`;
  const app: ApplinkApp | undefined =
    base === CYBERTRACKER_APPLINK_BASE ? 'cybertracker' : base === SMART_APPLINK_BASE ? 'smart' : undefined;
  // Read x raw: URLSearchParams would turn a base64 `+` into a space.
  const raw = /[?&]x=([^&#]*)/.exec(parsed.search)?.[1];
  const encoded = raw !== undefined && raw.includes('%') ? decodeURIComponent(raw) : raw;
  if (app === undefined || encoded === undefined || encoded === '') {
    throw new FormatError(
      FormatErrorCode.INVALID_APPLINK,
      'applink must be an applink(-smart) URL with an x parameter',
    );
  }
  const payload: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  const webUpdateUrl = (payload as { webUpdateUrl?: unknown } | null)?.webUpdateUrl;
  if (typeof webUpdateUrl !== 'string') {
    throw new FormatError(FormatErrorCode.INVALID_APPLINK, 'applink payload has no webUpdateUrl string');
  }
  return { app, webUpdateUrl };
}

function parseDownloadUrl(webUpdateUrl: string): string {
  let url: URL;
  try {
    url = new URL(webUpdateUrl);
  } catch {
    throw new FormatError(
      FormatErrorCode.INVALID_APPLINK,
      `webUpdateUrl ${JSON.stringify(webUpdateUrl)} is not a URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FormatError(FormatErrorCode.INVALID_APPLINK, 'webUpdateUrl must be an http(s) URL');
  }
  // URL.href is ASCII (non-ASCII is percent-encoded), so the JSON needs no \u escapes.
  return url.href;
}

function findPlainBase64Payload(url: string): string | undefined {
  for (const afterColon of [' ', '', '  ']) {
    for (const inner of WHITESPACE_CHOICES) {
      for (const trailing of WHITESPACE_CHOICES) {
        const payload = encodePayload(url, afterColon, inner, trailing);
        if (/^[A-Za-z0-9]+$/.test(payload)) return payload;
      }
    }
  }
  return undefined;
}

/** `{<inner>"webUpdateUrl":<afterColon>"<url>"<trailing>}` in standard base64. */
function encodePayload(url: string, afterColon: string, inner: string, trailing: string): string {
  const json = `{${inner}"webUpdateUrl":${afterColon}${JSON.stringify(url)}${trailing}}`;
  return Buffer.from(json, 'utf8').toString('base64');
}
