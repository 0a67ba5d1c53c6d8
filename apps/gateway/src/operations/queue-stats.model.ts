import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Jobs finished per minute, averaged over the window.' })
export class Throughput {
  @Field(() => Float)
  lastMinute!: number;

  @Field(() => Float)
  last5Minutes!: number;

  @Field(() => Float)
  last15Minutes!: number;
}

@ObjectType({ description: 'One BullMQ queue: depth by state, age of the oldest waiting job, throughput.' })
export class QueueStats {
  @Field()
  queue!: string;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  prioritized!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  delayed!: number;

  @Field(() => Int)
  waitingChildren!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Float, { description: 'seconds since the oldest waiting job was added (0 when none waits)' })
  oldestWaitingSeconds!: number;

  @Field(() => Throughput)
  completedPerMinute!: Throughput;

  @Field(() => Throughput)
  failedPerMinute!: Throughput;
}
