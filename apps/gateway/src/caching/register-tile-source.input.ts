import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { TileFormatValue, TileSchemeValue } from './tile-source.model';

@InputType()
export class HeaderInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType()
export class RegisterTileSourceInput {
  @Field()
  name!: string;

  @Field()
  urlTemplate!: string;

  @Field(() => TileSchemeValue, { defaultValue: TileSchemeValue.XYZ })
  scheme!: TileSchemeValue;

  @Field(() => TileFormatValue)
  format!: TileFormatValue;

  @Field(() => Int, { defaultValue: 0 })
  minZoom!: number;

  @Field(() => Int, { defaultValue: 19 })
  maxZoom!: number;

  @Field({ defaultValue: '' })
  attribution!: string;

  @Field(() => [String], { defaultValue: [] })
  subdomains!: string[];

  @Field(() => Float, {
    defaultValue: 50,
    description: 'Requests per second across all seeders (politeness).',
  })
  maxRequestsPerSecond!: number;

  @Field(() => Int, { defaultValue: 8, description: 'Requests in flight per seeder process (politeness).' })
  maxConcurrentRequests!: number;

  @Field(() => [HeaderInput], {
    defaultValue: [],
    description: 'e.g. API keys; stored, sent upstream, never returned or logged.',
  })
  headers!: HeaderInput[];

  @Field({ defaultValue: false, description: 'Re-encode PNG/JPEG tiles as WebP before storing.' })
  transcodeToWebp!: boolean;
}
