export interface FixtureResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** GET a path of the fixture server and read the whole body (fetch leaves gzip MVT bodies alone: no Content-Encoding). */
export async function getPath(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<FixtureResponse> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

export async function postJson(baseUrl: string, path: string, value: unknown): Promise<FixtureResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}
