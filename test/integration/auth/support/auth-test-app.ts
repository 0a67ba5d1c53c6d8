import { Controller, Get, INestApplication, LoggerService, Module } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import {
  Args,
  Field,
  GraphQLModule,
  ID,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Context } from 'graphql-ws';
import {
  AuthError,
  AuthModule,
  authenticateConnectionParams,
  authGraphqlDriverOptions,
  CurrentPrincipal,
  DEFAULT_AUDIENCE,
  DEVELOPMENT_ISSUER,
  Principal,
  Public,
  RequireScopes,
  TokenVerifier,
} from '@map-offline/auth';

// A minimal code-first gateway: the shape apps/gateway wires the auth module into.

@ObjectType()
class RegionModel {
  @Field(() => ID) id!: string;
  @Field() organisationId!: string;
  @Field() name!: string;
}

@Resolver(() => RegionModel)
class RegionResolver {
  @Public()
  @Query(() => String)
  health(): string {
    return 'ok';
  }

  @RequireScopes('cache:read')
  @Query(() => [RegionModel])
  regions(@CurrentPrincipal() principal: Principal): RegionModel[] {
    return [{ id: 'region-1', organisationId: principal.organisationId, name: 'Harbour' }];
  }

  @RequireScopes('cache:write')
  @Mutation(() => RegionModel)
  createRegion(@Args('name') name: string, @CurrentPrincipal() principal: Principal): RegionModel {
    return { id: 'region-2', organisationId: principal.organisationId, name };
  }

  /** Deliberately without a declaration: deny by default must refuse it. */
  @Query(() => String)
  undeclared(): string {
    return 'this must never be returned';
  }

  /** A nested field without a declaration: covered by the decision for its top-level field. */
  @ResolveField(() => String)
  displayName(@Parent() region: RegionModel): string {
    return region.name.toUpperCase();
  }

  /** A nested field with its own declaration. */
  @RequireScopes('admin')
  @ResolveField(() => String)
  auditNote(): string {
    return 'created by the audit test';
  }

  @RequireScopes('cache:read')
  @Subscription(() => String)
  regionEvents(): AsyncIterator<{ regionEvents: string }> {
    return (async function* events() {
      yield { regionEvents: 'region-1 created' };
    })();
  }
}

@Resolver()
@RequireScopes('sync:read')
class SyncResolver {
  @Query(() => Int)
  pendingChanges(): number {
    return 3;
  }

  @Public()
  @Query(() => String)
  syncProtocolVersion(): string {
    return '1';
  }
}

@Controller('rest')
class RestController {
  @Public()
  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @RequireScopes('queue:read')
  @Get('queue')
  queue(@CurrentPrincipal() principal: Principal): { subject: string; organisationId: string } {
    return { subject: principal.subject, organisationId: principal.organisationId };
  }

  @Get('undeclared')
  undeclared(): string {
    return 'this must never be returned';
  }
}

interface ContextSource {
  req?: unknown;
  extra?: { principal?: Principal };
}

export interface AuthTestAppOptions {
  keyDirectory: string;
  /** Spread authGraphqlDriverOptions() into the driver config (false: leave @nestjs/apollo's defaults). */
  withAuthDriverOptions: boolean;
  logger: LoggerService;
}

export async function createAuthTestApp(options: AuthTestAppOptions): Promise<INestApplication> {
  @Module({
    imports: [
      DiscoveryModule,
      AuthModule.forRoot({
        issuer: DEVELOPMENT_ISSUER,
        audience: DEFAULT_AUDIENCE,
        keys: { kind: 'development', keyDirectory: options.keyDirectory },
      }),
      GraphQLModule.forRootAsync<ApolloDriverConfig>({
        driver: ApolloDriver,
        inject: [TokenVerifier],
        useFactory: (verifier: TokenVerifier): ApolloDriverConfig => ({
          autoSchemaFile: true,
          ...(options.withAuthDriverOptions
            ? authGraphqlDriverOptions()
            : { fieldResolverEnhancers: ['guards'] }),
          subscriptions: {
            'graphql-ws': {
              // Refuse the connection (close 4403) unless connectionParams carries a valid bearer token.
              onConnect: async (context: Context) => {
                try {
                  // graphql-ws keeps `extra` for the life of the connection; the context function reads it.
                  const extra = context.extra as { principal?: Principal };
                  extra.principal = await authenticateConnectionParams(verifier, context.connectionParams);
                  return true;
                } catch (error: unknown) {
                  if (error instanceof AuthError) return false;
                  throw error;
                }
              },
            },
          },
          context: (source: ContextSource) => ({ req: source.req, principal: source.extra?.principal }),
        }),
      }),
    ],
    providers: [RegionResolver, SyncResolver],
    controllers: [RestController],
  })
  class AuthTestModule {}

  const moduleRef = await Test.createTestingModule({ imports: [AuthTestModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: options.logger });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Keeps every log line, so a test can read what was logged (and that no token was). */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }

  private record(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest].map((part) =>
      part instanceof Error ? `${part.message} ${part.stack}` : String(part),
    );
    this.lines.push(`${level} ${text.join(' ')}`);
  }
}
