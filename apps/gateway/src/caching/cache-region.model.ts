import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { JsonObjectScalar } from '../common/json-object.scalar';
import { JobHandle } from '../jobs/job-handle.model';
import { CacheAreaInput } from './cache-area.input';

@InputType()
export class CreateCacheRegionInput {
  @Field()
  name!: string;

  @Field()
  sourceId!: string;

  @Field(() => CacheAreaInput)
  area!: CacheAreaInput;

  @Field({ defaultValue: false, description: 'Go past the per-job tile limit; needs the admin scope.' })
  overrideTileLimit!: boolean;
}

@ObjectType()
export class CacheRegion {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ID)
  sourceId!: string;

  @Field(() => JsonObjectScalar, { description: 'The area as a GeoJSON MultiPolygon.' })
  area!: Record<string, unknown>;

  @Field(() => Int)
  minZoom!: number;

  @Field(() => Int)
  maxZoom!: number;

  @Field({ description: 'queued, running, paused, completed, failed, cancelled or deleting' })
  status!: string;

  @Field(() => Float)
  tileCount!: number;

  @Field(() => Float)
  tilesDone!: number;

  @Field(() => Float)
  tilesEmpty!: number;

  @Field(() => Float)
  tilesFailed!: number;

  @Field(() => Float, { description: 'bytes before de-duplication' })
  logicalBytes!: number;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;
}

@ObjectType()
export class SubmissionError {
  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'One input of a bulk submission: its job, or why it was refused.' })
export class SubmissionResult {
  @Field(() => Int)
  index!: number;

  @Field(() => JobHandle, { nullable: true })
  job!: JobHandle | null;

  @Field(() => ID, { nullable: true })
  regionId!: string | null;

  @Field(() => SubmissionError, { nullable: true })
  error!: SubmissionError | null;
}

@ObjectType()
export class CacheSubmission {
  @Field()
  idempotencyKey!: string;

  @Field({ description: 'false when this key was seen before and the stored result is returned' })
  created!: boolean;

  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => [SubmissionResult])
  results!: SubmissionResult[];
}
