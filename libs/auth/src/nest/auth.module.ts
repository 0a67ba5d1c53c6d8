import { DynamicModule, FactoryProvider, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthConfig, resolveAuthConfig, ResolvedAuthConfig } from '../auth-config';
import { createTokenVerifierFromResolvedConfig } from '../create-token-verifier';
import { TokenVerifier } from '../token-verifier';
import { AuthExceptionFilter } from './auth-exception.filter';
import { ScopesGuard } from './scopes.guard';

/** DI token of the validated ResolvedAuthConfig. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export interface AuthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  // Method syntax so a typed factory such as `(config: AppConfig) => config.auth` is accepted.
  useFactory(...dependencies: unknown[]): AuthConfig | Promise<AuthConfig>;
}

/**
 * Registers the TokenVerifier, the global ScopesGuard (APP_GUARD: deny by default) and the
 * AuthExceptionFilter (APP_FILTER: AuthError -> 401/403). Global, so resolvers anywhere can inject
 * TokenVerifier (for example for graphql-ws onConnect).
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return AuthModule.build([{ provide: AUTH_CONFIG, useValue: resolveAuthConfig(config) }], []);
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    const configProvider: FactoryProvider<ResolvedAuthConfig> = {
      provide: AUTH_CONFIG,
      inject: options.inject ?? [],
      useFactory: async (...dependencies: unknown[]) =>
        resolveAuthConfig(await options.useFactory(...dependencies)),
    };
    return AuthModule.build([configProvider], options.imports ?? []);
  }

  private static build(
    configProviders: Provider[],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports,
      providers: [
        ...configProviders,
        {
          provide: TokenVerifier,
          inject: [AUTH_CONFIG],
          useFactory: (config: ResolvedAuthConfig) => createTokenVerifierFromResolvedConfig(config),
        },
        ScopesGuard,
        { provide: APP_GUARD, useExisting: ScopesGuard },
        { provide: APP_FILTER, useClass: AuthExceptionFilter },
      ],
      exports: [AUTH_CONFIG, TokenVerifier, ScopesGuard],
    };
  }
}
