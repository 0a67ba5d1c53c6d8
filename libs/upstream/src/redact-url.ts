/**
 * origin + path without the query string (and without any fragment or user info): query strings carry
 * API keys (?access_token=, ?key=), so only this form may appear in errors, results and logs.
 */
export function redactUrl(origin: string, path: string): string {
  const queryStart = path.search(/[?#]/);
  const cleanPath = queryStart === -1 ? path : path.slice(0, queryStart);
  return `${stripUserInfo(origin)}${cleanPath}`;
}

/** The same for a whole URL string (e.g. a redirect Location). */
export function redactFullUrl(url: string): string {
  const queryStart = url.search(/[?#]/);
  return stripUserInfo(queryStart === -1 ? url : url.slice(0, queryStart));
}

function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
