/** The product's GraphQL API as the demo uses it: the same calls an operator's tool would make. */
export class DemoApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new Error(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
    }
    return body.data;
  }

  async getTile(sourceId: string, z: number, x: number, y: number): Promise<Buffer> {
    const response = await fetch(`${this.baseUrl}/tiles/${sourceId}/${z}/${x}/${y}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (response.status !== 200)
      throw new Error(`GET /tiles/${sourceId}/${z}/${x}/${y} answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
}
