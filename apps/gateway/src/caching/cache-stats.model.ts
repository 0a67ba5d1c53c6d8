import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ZoomCacheStats {
  @Field(() => Int)
  zoom!: number;

  @Field(() => Float)
  tiles!: number;

  @Field(() => Float)
  storedTiles!: number;

  @Field(() => Float, { description: 'Tiles the upstream answered 404/204 for.' })
  emptyTiles!: number;

  @Field(() => Float)
  failedTiles!: number;

  @Field(() => Float)
  uniqueBlobs!: number;

  @Field(() => Float, { description: 'bytes of the distinct blobs' })
  storedBytes!: number;

  @Field(() => Float, { description: 'bytes counting every tile separately' })
  logicalBytes!: number;
}

@ObjectType()
export class FailureReason {
  @Field()
  reason!: string;

  @Field(() => Float)
  tiles!: number;
}

@ObjectType({ description: 'What the cache holds, computed from the tile index.' })
export class CacheStats {
  @Field(() => Float)
  tiles!: number;

  @Field(() => Float)
  storedTiles!: number;

  @Field(() => Float)
  emptyTiles!: number;

  @Field(() => Float)
  failedTiles!: number;

  @Field(() => Float)
  uniqueBlobs!: number;

  @Field(() => Float, { description: 'bytes in object storage for these tiles' })
  storedBytes!: number;

  @Field(() => Float, { description: 'bytes as if every tile were stored separately' })
  logicalBytes!: number;

  @Field(() => Float, { description: 'logicalBytes / storedBytes; 1 means no duplicates' })
  deduplicationRatio!: number;

  @Field(() => [ZoomCacheStats])
  perZoom!: ZoomCacheStats[];

  @Field(() => [FailureReason])
  failureReasons!: FailureReason[];
}
