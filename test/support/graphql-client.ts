import { signDevelopmentToken } from '@map-offline/auth';
import { Scope } from '@map-offline/auth';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A tiny GraphQL-over-HTTP client for tests: real requests to the real gateway. */
export class GraphqlClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphqlResponse<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphqlResponse<T>, 'status'>;
    return { status: response.status, ...body };
  }

  /** The data of a request that must succeed; otherwise throws with the errors. */
  async data<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors || !result.data) {
      throw new Error(`GraphQL request failed (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }
}

/** A development token (the gateway under test trusts the development key in .data/dev-jwt). */
export async function tokenFor(
  organisationId: string,
  scopes: Scope[],
  subject = 'test-user',
): Promise<string> {
  return signDevelopmentToken({ organisationId, scopes, subject });
}
