import { Scope } from './scope';

/** Who is calling, for which organisation (tenant), with which scopes. Built from a verified token. */
export interface Principal {
  /** The token's `sub`: a user id, or the client id for a client-credentials (service) token. */
  readonly subject: string;
  /** The tenant every query and job of this request is confined to (the `org` claim). */
  readonly organisationId: string;
  /** Known scopes only; unknown scopes in the token are dropped. */
  readonly scopes: ReadonlySet<Scope>;
  readonly clientId?: string;
  /** True for a machine-to-machine token (client credentials): there is no user behind it. */
  readonly isService: boolean;
  /** The token's `jti`, for audit logs. */
  readonly tokenId?: string;
}
