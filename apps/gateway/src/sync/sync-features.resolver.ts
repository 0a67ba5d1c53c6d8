import { Args, Float, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { assertObjectId, invalidInput, notFound } from '@map-offline/contracts';
import { BoundingBox, SyncChangeLogRepository, SyncFeatureRepository } from '@map-offline/entities';
import { SyncFeature, SyncFeatureChange, SyncFeaturePage } from './sync-feature.model';
import { SyncLayersService } from './sync-layers.service';
import { toSyncFeature, toSyncFeatureChange } from './sync-views';

const MAX_PULL_PAGE = 1_000;
const MAX_FEATURES_PAGE = 5_000;
const MAX_HISTORY_PAGE = 1_000;

@Resolver(() => SyncFeature)
export class SyncFeaturesResolver {
  constructor(
    private readonly layers: SyncLayersService,
    private readonly featureStore: SyncFeatureRepository,
    private readonly changeLog: SyncChangeLogRepository,
  ) {}

  @RequireScopes('sync:read')
  @Query(() => SyncFeaturePage, {
    description:
      'Every feature changed after the cursor (tombstones included), with clocks; pass nextCursor as since to continue.',
  })
  async pullChanges(
    @CurrentPrincipal() principal: Principal,
    @Args('layerId', { type: () => ID }) layerId: string,
    @Args('since', { defaultValue: '0', description: 'A server sequence; "0" for everything.' })
    since: string,
    @Args('first', { type: () => Int, defaultValue: 500 }) first: number,
  ): Promise<SyncFeaturePage> {
    const cursor = parseSequence('since', since);
    if (first < 1 || first > MAX_PULL_PAGE)
      throw invalidInput('first', `must be between 1 and ${MAX_PULL_PAGE}`);
    const layer = await this.layers.find(principal.organisationId, layerId);
    const stored = await this.featureStore.changedSince(principal.organisationId, layer.id, cursor, first);
    const last = stored[stored.length - 1];
    return {
      features: stored.map(toSyncFeature),
      nextCursor: String(last?.sequence ?? cursor),
      hasMore: stored.length === first,
    };
  }

  @RequireScopes('sync:read')
  @Query(() => [SyncFeature], {
    description:
      'Features of a layer whose geometry meets bbox (all with no bbox), in id order, for a fresh download.',
  })
  async features(
    @CurrentPrincipal() principal: Principal,
    @Args('layerId', { type: () => ID }) layerId: string,
    @Args('bbox', {
      type: () => [Float],
      nullable: true,
      description: '[west, south, east, north] in degrees; west > east crosses the antimeridian.',
    })
    bbox: number[] | null,
    @Args('first', { type: () => Int, defaultValue: 1_000 }) first: number,
    @Args('after', { type: () => ID, nullable: true, description: 'The last id of the previous page.' })
    after: string | null,
    @Args('includeDeleted', { defaultValue: false }) includeDeleted: boolean,
  ): Promise<SyncFeature[]> {
    if (first < 1 || first > MAX_FEATURES_PAGE) {
      throw invalidInput('first', `must be between 1 and ${MAX_FEATURES_PAGE}`);
    }
    if (after !== null && after !== undefined) assertObjectId('feature', after);
    const box = bbox === null || bbox === undefined ? null : parseBoundingBox(bbox);
    const layer = await this.layers.find(principal.organisationId, layerId);
    const stored = await this.featureStore.within(principal.organisationId, layer.id, box, {
      first,
      after: after?.toLowerCase() ?? null,
      includeDeleted,
    });
    return stored.map(toSyncFeature);
  }

  @RequireScopes('sync:read')
  @Query(() => [SyncFeatureChange], {
    description:
      'Every change of a feature in server order, with device, clocks and outcome (losing versions too).',
  })
  async featureHistory(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
    @Args('after', { defaultValue: '0', description: 'A server sequence.' }) after: string,
  ): Promise<SyncFeatureChange[]> {
    assertObjectId('feature', id);
    if (first < 1 || first > MAX_HISTORY_PAGE)
      throw invalidInput('first', `must be between 1 and ${MAX_HISTORY_PAGE}`);
    const cursor = parseSequence('after', after);
    const entries = await this.changeLog.history(principal.organisationId, id.toLowerCase(), first, cursor);
    if (entries.length === 0 && cursor === 0) throw notFound('feature', id);
    return entries.map(toSyncFeatureChange);
  }
}

function parseSequence(field: string, text: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw invalidInput(field, 'must be a server sequence (a whole number, "0" for the start)');
  return Number(text);
}

function parseBoundingBox(bbox: number[]): BoundingBox {
  if (bbox.length !== 4 || bbox.some((value) => !Number.isFinite(value))) {
    throw invalidInput('bbox', 'must be [west, south, east, north] in degrees');
  }
  const [west, south, east, north] = bbox;
  if (west < -180 || west > 180 || east < -180 || east > 180) {
    throw invalidInput('bbox', 'longitudes must be between -180 and 180');
  }
  if (south < -90 || north > 90 || south > north) {
    throw invalidInput('bbox', 'latitudes must be between -90 and 90, south <= north');
  }
  return [west, south, east, north];
}
