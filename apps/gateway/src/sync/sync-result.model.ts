import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SyncBatchStatus, SyncOutcome } from './sync-enums';

@ObjectType({ description: 'What merging did with one change of a batch.' })
export class SyncChangeResult {
  @Field(() => Int, { description: 'Position of the change in the pushed batch.' })
  index!: number;

  @Field(() => ID, { nullable: true })
  featureId!: string | null;

  @Field(() => SyncOutcome)
  outcome!: SyncOutcome;

  @Field(() => [ID], { description: 'Conflicts this change opened or joined (CONFLICT).' })
  conflictIds!: string[];

  @Field(() => String, { nullable: true, description: 'REJECTED: a stable code, e.g. INVALID_GEOMETRY.' })
  reasonCode!: string | null;

  @Field(() => String, { nullable: true, description: 'REJECTED: what was wrong and what was expected.' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'REJECTED: the path of the bad input.' })
  field!: string | null;

  @Field(() => String, { nullable: true, description: 'Server sequence of the logged change.' })
  sequence!: string | null;
}

@ObjectType()
export class SyncOutcomeCounts {
  @Field(() => Int)
  applied!: number;

  @Field(() => Int)
  merged!: number;

  @Field(() => Int)
  conflict!: number;

  @Field(() => Int)
  duplicate!: number;

  @Field(() => Int)
  rejected!: number;
}

@ObjectType({ description: 'A pushed batch and, once merged, one result per change.' })
export class SyncResult {
  @Field(() => ID)
  batchId!: string;

  @Field(() => ID)
  layerId!: string;

  @Field()
  deviceId!: string;

  @Field(() => SyncBatchStatus)
  status!: SyncBatchStatus;

  @Field(() => ID, { description: 'The job run; also readable through job(id) and jobProgress(id).' })
  jobId!: string;

  @Field(() => Int)
  changeCount!: number;

  @Field(() => SyncOutcomeCounts)
  counts!: SyncOutcomeCounts;

  @Field(() => [SyncChangeResult], { description: 'Empty until the batch is merged.' })
  changes!: SyncChangeResult[];

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field()
  receivedAt!: Date;

  @Field(() => Date, { nullable: true })
  mergedAt!: Date | null;
}
