import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { JsonObjectScalar } from '../common/json-object.scalar';

@InputType({
  description: 'Where and at which zooms: a bbox or a GeoJSON area, and zooms or ArcGIS-style scales.',
})
export class CacheAreaInput {
  @Field(() => [Float], {
    nullable: true,
    description: '[west, south, east, north] in degrees; west > east crosses the antimeridian.',
  })
  bbox?: number[];

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'A GeoJSON Polygon or MultiPolygon (RFC 7946).',
  })
  geometry?: Record<string, unknown>;

  @Field(() => Int, { nullable: true })
  minZoom?: number;

  @Field(() => Int, { nullable: true })
  maxZoom?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'ArcGIS minScale: the most zoomed-out scale (0 = none).',
  })
  minScale?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'ArcGIS maxScale: the most zoomed-in scale (0 = none).',
  })
  maxScale?: number;
}
