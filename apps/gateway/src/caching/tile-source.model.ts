import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum TileSchemeValue {
  XYZ = 'xyz',
  TMS = 'tms',
}
export enum TileFormatValue {
  PNG = 'png',
  JPEG = 'jpeg',
  WEBP = 'webp',
  MVT = 'mvt',
}
registerEnumType(TileSchemeValue, {
  name: 'TileScheme',
  description: 'XYZ counts rows from the north, TMS from the south.',
});
registerEnumType(TileFormatValue, { name: 'TileFormat' });

@ObjectType({ description: 'An upstream tile server. Secret headers are never returned.' })
export class TileSource {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'The URL template with {z} {x} {y} {-y} {s} {quadkey} placeholders.' })
  urlTemplate!: string;

  @Field(() => TileSchemeValue)
  scheme!: TileSchemeValue;

  @Field(() => TileFormatValue)
  format!: TileFormatValue;

  @Field(() => Int)
  minZoom!: number;

  @Field(() => Int)
  maxZoom!: number;

  @Field()
  attribution!: string;

  @Field(() => [String])
  subdomains!: string[];

  @Field(() => Float, { description: 'Requests per second across all seeders.' })
  maxRequestsPerSecond!: number;

  @Field(() => Int, { description: 'Requests in flight per seeder process.' })
  maxConcurrentRequests!: number;

  @Field(() => [String], {
    description: 'Names of the secret headers sent upstream; values are never shown.',
  })
  secretHeaderNames!: string[];

  @Field()
  transcodeToWebp!: boolean;

  @Field()
  createdAt!: Date;
}
