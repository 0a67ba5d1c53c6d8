import { Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CacheAreaInput } from './cache-area.input';

export enum BytesEstimateBasis {
  CACHED_TILES = 'CACHED_TILES',
  FORMAT_DEFAULT = 'FORMAT_DEFAULT',
}
registerEnumType(BytesEstimateBasis, {
  name: 'BytesEstimateBasis',
  description:
    'CACHED_TILES: average size of tiles of this source already cached; FORMAT_DEFAULT: a typical size for the format.',
});

@InputType()
export class EstimateCacheInput {
  @Field()
  sourceId!: string;

  @Field(() => CacheAreaInput)
  area!: CacheAreaInput;
}

@ObjectType()
export class ZoomEstimate {
  @Field(() => Int)
  zoom!: number;

  @Field(() => Float)
  tiles!: number;

  @Field(() => Float)
  alreadyCached!: number;

  @Field(() => Float, { description: 'bytes per tile used for this zoom' })
  averageTileBytes!: number;
}

@ObjectType({ description: 'What caching an area would take, computed without enumerating its tiles.' })
export class CacheEstimate {
  @Field(() => Int)
  minZoom!: number;

  @Field(() => Int)
  maxZoom!: number;

  @Field(() => [ZoomEstimate])
  perZoom!: ZoomEstimate[];

  @Field(() => Float)
  totalTiles!: number;

  @Field(() => Float)
  alreadyCached!: number;

  @Field({ description: 'true when alreadyCached comes from a sample of the cover (large areas).' })
  alreadyCachedIsEstimate!: boolean;

  @Field(() => Float, { description: 'Requests the upstream would receive (tiles not cached yet).' })
  upstreamRequests!: number;

  @Field(() => Float, { description: 'bytes to download from the upstream' })
  estimatedDownloadBytes!: number;

  @Field(() => Float, { description: 'bytes of the whole area once cached, before de-duplication' })
  estimatedTotalBytes!: number;

  @Field(() => BytesEstimateBasis)
  bytesEstimateBasis!: BytesEstimateBasis;

  @Field({ description: 'true when totalTiles is over the per-job tile limit' })
  exceedsLimit!: boolean;

  @Field(() => Float)
  tileLimit!: number;
}
