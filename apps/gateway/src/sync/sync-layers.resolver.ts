import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { invalidInput } from '@map-offline/contracts';
import { CreateLayerInput, SyncLayer } from './sync-layer.model';
import { SyncLayersService } from './sync-layers.service';
import { toSyncLayer } from './sync-views';

const MAX_PAGE = 200;

@Resolver(() => SyncLayer)
export class SyncLayersResolver {
  constructor(private readonly layerService: SyncLayersService) {}

  @RequireScopes('sync:write')
  @Mutation(() => SyncLayer, {
    description: 'Create a layer with its conflict policy and delete rule (fixed).',
  })
  async createLayer(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateLayerInput,
  ): Promise<SyncLayer> {
    return toSyncLayer(await this.layerService.create(principal, input));
  }

  @RequireScopes('sync:read')
  @Query(() => SyncLayer)
  async layer(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<SyncLayer> {
    return toSyncLayer(await this.layerService.find(principal.organisationId, id));
  }

  @RequireScopes('sync:read')
  @Query(() => [SyncLayer], { description: 'By name.' })
  async layers(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<SyncLayer[]> {
    if (first < 1 || first > MAX_PAGE) throw invalidInput('first', `must be between 1 and ${MAX_PAGE}`);
    if (offset < 0) throw invalidInput('offset', 'must be at least 0');
    return (await this.layerService.list(principal.organisationId, first, offset)).map(toSyncLayer);
  }
}
