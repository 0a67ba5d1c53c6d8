import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { invalidInput } from '@map-offline/contracts';
import { JobHandle } from '../jobs/job-handle.model';
import { toJobHandle } from '../jobs/job-handle.mapper';
import { JsonObjectScalar } from '../common/json-object.scalar';
import { ConflictReviewService } from './conflict-review.service';
import { EditFeatureInput } from './edit-feature.input';
import { ServerEditsService } from './server-edits.service';
import { ConflictResolution, ConflictStatusValue } from './sync-enums';
import { SyncConflict } from './sync-feature.model';

const MAX_PAGE = 200;

@Resolver(() => SyncConflict)
export class SyncConflictsResolver {
  constructor(
    private readonly review: ConflictReviewService,
    private readonly edits: ServerEditsService,
  ) {}

  @RequireScopes('sync:read')
  @Query(() => [SyncConflict], {
    description:
      'Conflicts of a layer, oldest first, with base (common ancestor), server and device versions.',
  })
  conflicts(
    @CurrentPrincipal() principal: Principal,
    @Args('layerId', { type: () => ID }) layerId: string,
    @Args('status', {
      type: () => ConflictStatusValue,
      nullable: true,
      defaultValue: ConflictStatusValue.OPEN,
    })
    status: ConflictStatusValue | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<SyncConflict[]> {
    if (first < 1 || first > MAX_PAGE) throw invalidInput('first', `must be between 1 and ${MAX_PAGE}`);
    if (offset < 0) throw invalidInput('offset', 'must be at least 0');
    return this.review.list(principal.organisationId, layerId, status ?? null, first, offset);
  }

  @RequireScopes('sync:resolve')
  @Mutation(() => JobHandle, {
    description:
      'Decide an open conflict; the decision is merged like any change (losing versions stay in featureHistory). ' +
      'Read the outcome with syncResult(batchId: handle.subjectId).',
  })
  async resolveConflict(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('resolution', { type: () => ConflictResolution }) resolution: ConflictResolution,
    @Args('merged', {
      type: () => JsonObjectScalar,
      nullable: true,
      description:
        'MERGED: the feature as it should be ({ geometry, properties, deleted }); its value of the field is written.',
    })
    merged: Record<string, unknown> | null,
  ): Promise<JobHandle> {
    return toJobHandle(await this.review.resolve(principal, id, resolution, merged), null);
  }

  @RequireScopes('sync:resolve')
  @Mutation(() => JobHandle, {
    description:
      'An office edit as a server-side writer: it replaces what the editor saw; field edits made before it ' +
      'without seeing it are concurrent with it (SERVER_WINS keeps the office edit). Outcome: syncResult(handle.subjectId).',
  })
  async editFeature(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: EditFeatureInput,
  ): Promise<JobHandle> {
    return toJobHandle(await this.edits.edit(principal, input), null);
  }
}
