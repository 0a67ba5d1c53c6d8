import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { RegisterTileSourceInput } from './register-tile-source.input';
import { TileSource } from './tile-source.model';
import { TileSourcesService, toTileSource } from './tile-sources.service';

@Resolver(() => TileSource)
export class TileSourcesResolver {
  constructor(private readonly sources: TileSourcesService) {}

  @RequireScopes('sources:admin')
  @Mutation(() => TileSource, {
    description: 'Register an upstream tile server; its host must be on the allow-list.',
  })
  registerTileSource(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RegisterTileSourceInput,
  ): Promise<TileSource> {
    return this.sources.register(principal.organisationId, input);
  }

  @RequireScopes('cache:read')
  @Query(() => [TileSource])
  tileSources(@CurrentPrincipal() principal: Principal): Promise<TileSource[]> {
    return this.sources.list(principal.organisationId);
  }

  @RequireScopes('cache:read')
  @Query(() => TileSource)
  async tileSource(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<TileSource> {
    return toTileSource(await this.sources.find(principal.organisationId, id));
  }
}
