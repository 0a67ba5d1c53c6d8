import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum JobStateValue {
  QUEUED = 'queued',
  ACTIVE = 'active',
  PAUSED = 'paused',
  COMPLETED = 'completed',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
}
registerEnumType(JobStateValue, { name: 'JobState' });

@ObjectType()
export class ZoomProgress {
  @Field(() => Int)
  zoom!: number;

  @Field(() => Float, { description: 'Tiles done at this zoom.' })
  done!: number;
}

@ObjectType({ description: 'Progress of a long job; also pushed by the jobProgress subscription.' })
export class JobProgress {
  @Field(() => ID)
  jobId!: string;

  @Field(() => JobStateValue)
  state!: JobStateValue;

  @Field(() => Float)
  doneUnits!: number;

  @Field(() => Float)
  totalUnits!: number;

  @Field(() => Float, { description: 'Fraction done, 0 to 1.' })
  fraction!: number;

  @Field(() => [ZoomProgress])
  perZoom!: ZoomProgress[];

  @Field(() => Float, { description: 'Bytes cached so far (before de-duplication).' })
  bytes!: number;

  @Field(() => Float, { description: 'Tiles that failed for good.' })
  errors!: number;

  @Field(() => Int, { nullable: true, description: 'Seconds left at the rate so far.' })
  etaSeconds!: number | null;
}

@ObjectType({ description: 'A handle on queued work: poll job(id) or subscribe to jobProgress(id).' })
export class JobHandle {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'cache-region, refresh-region, delete-region, build-package or sync-batch.' })
  kind!: string;

  @Field(() => JobStateValue)
  state!: JobStateValue;

  @Field(() => ID, { nullable: true, description: 'The region, package or batch the job works on.' })
  subjectId!: string | null;

  @Field(() => JobProgress)
  progress!: JobProgress;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
