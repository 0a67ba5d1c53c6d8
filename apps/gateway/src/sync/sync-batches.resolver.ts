import { Args, Float, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { assertObjectId, invalidInput, notFound } from '@map-offline/contracts';
import { SyncBatchRepository, SyncBatchSummary } from '@map-offline/entities';
import { JobHandle } from '../jobs/job-handle.model';
import { toJobHandle } from '../jobs/job-handle.mapper';
import { MergeWaiter } from './merge-waiter';
import { PushChangesInput } from './push-changes.input';
import { SyncPushService } from './sync-push.service';
import { SyncResult } from './sync-result.model';
import { toSyncResult } from './sync-views';

/** seconds a syncResult call may wait for the merge */
const MAX_WAIT_SECONDS = 30;

@Resolver(() => SyncResult)
export class SyncBatchesResolver {
  constructor(
    private readonly push: SyncPushService,
    private readonly batches: SyncBatchRepository,
    private readonly waiter: MergeWaiter,
  ) {}

  @RequireScopes('sync:write')
  @Mutation(() => JobHandle, {
    description:
      'Store a batch of offline edits, then queue its merge; returns at once with a job handle (kind sync-batch). ' +
      'The same batchId returns the same job.',
  })
  async pushChanges(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: PushChangesInput,
  ): Promise<JobHandle> {
    return toJobHandle(await this.push.push(principal, input), null);
  }

  @RequireScopes('sync:read')
  @Query(() => SyncResult, {
    description: `One result per change once merged. waitSeconds (up to ${MAX_WAIT_SECONDS}) waits for the merge first.`,
  })
  async syncResult(
    @CurrentPrincipal() principal: Principal,
    @Args('batchId', { type: () => ID }) batchId: string,
    @Args('waitSeconds', { type: () => Float, defaultValue: 0 }) waitSeconds: number,
  ): Promise<SyncResult> {
    if (!(waitSeconds >= 0 && waitSeconds <= MAX_WAIT_SECONDS)) {
      throw invalidInput('waitSeconds', `must be between 0 and ${MAX_WAIT_SECONDS}`);
    }
    assertObjectId('sync batch', batchId);
    const id = batchId.toLowerCase();
    if (waitSeconds === 0) return toSyncResult(await this.find(principal.organisationId, id));
    // Each check reads the whole summary, so the last one is the answer (no read after the wait).
    let batch: SyncBatchSummary | undefined;
    await this.waiter.wait(principal.organisationId, id, waitSeconds * 1000, async () => {
      batch = await this.find(principal.organisationId, id);
      return batch.status !== 'queued';
    });
    if (batch === undefined) throw new Error('syncResult: the wait ended without a check');
    return toSyncResult(batch);
  }

  @RequireScopes('sync:read')
  @ResolveField(() => JobHandle, { description: 'The job run of the batch.' })
  async job(@CurrentPrincipal() principal: Principal, @Parent() result: SyncResult): Promise<JobHandle> {
    const run = await this.batches.findRun(principal.organisationId, result.jobId);
    if (run === null) throw notFound('job', result.jobId);
    return toJobHandle(run, null);
  }

  private async find(organisationId: string, id: string): Promise<SyncBatchSummary> {
    const batch = await this.batches.findSummary(organisationId, id);
    if (batch === null) throw notFound('sync batch', id);
    return batch;
  }
}
