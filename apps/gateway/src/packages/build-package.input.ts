import { Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { CacheAreaInput } from '../caching/cache-area.input';
import { JsonObjectScalar } from '../common/json-object.scalar';
import { PackageFormatValue } from './offline-package.model';

export enum PropertyOperatorValue {
  EQUALS = 'equals',
  NOT_EQUALS = 'not-equals',
  IN = 'in',
  NOT_IN = 'not-in',
  LESS_THAN = 'less-than',
  LESS_THAN_OR_EQUAL = 'less-than-or-equal',
  GREATER_THAN = 'greater-than',
  GREATER_THAN_OR_EQUAL = 'greater-than-or-equal',
  CONTAINS = 'contains',
  EXISTS = 'exists',
  NOT_EXISTS = 'not-exists',
}
registerEnumType(PropertyOperatorValue, { name: 'PropertyOperator' });

@InputType({
  description:
    'One condition of a layer filter (the idea of an ArcGIS definition expression); every condition must hold. ' +
    'A number or boolean property is compared as a number or boolean.',
})
export class PropertyConditionInput {
  @Field()
  property!: string;

  @Field(() => PropertyOperatorValue)
  operator!: PropertyOperatorValue;

  @Field({ nullable: true, description: 'For EQUALS, NOT_EQUALS, LESS_THAN..., CONTAINS.' })
  value?: string;

  @Field(() => [String], { nullable: true, description: 'For IN and NOT_IN.' })
  values?: string[];
}

@InputType({
  description:
    'An extra GeoJSON layer of a zip (layers.json entry, section 1.2 of the format): given or from sync.',
})
export class PackageLayerInput {
  @Field({ description: 'Shown in the app.' })
  name!: string;

  @Field({ nullable: true, description: 'Base name of the .geojson in the zip; default: made from name.' })
  fileName?: string;

  @Field({ defaultValue: true, description: 'Visible when the package is first loaded.' })
  active!: boolean;

  @Field(() => Float, { nullable: true, description: '0 (transparent) to 1 (opaque).' })
  opacity?: number;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'A point, line or area symbol (section 1.3).',
  })
  symbol?: Record<string, unknown>;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'A GeoJSON FeatureCollection (RFC 7946); or give syncLayerId.',
  })
  geojson?: Record<string, unknown>;

  @Field(() => ID, {
    nullable: true,
    description: 'A sync layer of the organisation: its live features when the package is built.',
  })
  syncLayerId?: string;

  @Field(() => [PropertyConditionInput], { defaultValue: [] })
  filter!: PropertyConditionInput[];

  @Field({ defaultValue: true, description: 'Keep only what lies inside the package area.' })
  clipToArea!: boolean;
}

@InputType({
  description: 'A place-lookup layer (section 3): polygons with properties.featureId and their content JSON.',
})
export class PackageLookupInput {
  @Field()
  name!: string;

  @Field({ nullable: true, description: 'Base name of <name>.geojson and <name>.json; default: from name.' })
  fileName?: string;

  @Field({ defaultValue: true })
  active!: boolean;

  @Field(() => JsonObjectScalar, { description: 'FeatureCollection of Polygon/MultiPolygon with featureId.' })
  geometry!: Record<string, unknown>;

  @Field(() => JsonObjectScalar, { description: 'The content JSON: { content, datasets }.' })
  content!: Record<string, unknown>;
}

@InputType({ description: 'An area to cache first (a new cache region), then package.' })
export class PackageAreaInput {
  @Field(() => ID)
  sourceId!: string;

  @Field(() => CacheAreaInput)
  area!: CacheAreaInput;

  @Field({ nullable: true, description: 'Name of the cache region created; default: the package name.' })
  regionName?: string;
}

export enum BasemapFormatValue {
  MBTILES = 'mbtiles',
}
registerEnumType(BasemapFormatValue, { name: 'BasemapFormat' });

@InputType()
export class BuildPackageInput {
  @Field()
  name!: string;

  @Field(() => PackageFormatValue)
  format!: PackageFormatValue;

  @Field({
    nullable: true,
    description: 'package.json id, e.g. org.example.gabon; default: <organisation>.<name>.',
  })
  packageId?: string;

  @Field({ nullable: true, description: 'YYYY.MM.DD[.NNN] or dotted numbers (padded); default: today.' })
  version?: string;

  @Field({ nullable: true, description: 'A language tag such as en or mn.' })
  language?: string;

  @Field(() => [ID], { nullable: true, description: 'Cache regions of one tile source.' })
  regionIds?: string[];

  @Field(() => PackageAreaInput, { nullable: true, description: 'Instead of regionIds: cache this first.' })
  area?: PackageAreaInput;

  @Field({ defaultValue: true, description: 'Zips: put the tiles in as a basemap layer.' })
  includeBasemap!: boolean;

  @Field(() => BasemapFormatValue, { defaultValue: BasemapFormatValue.MBTILES })
  basemapFormat!: BasemapFormatValue;

  @Field(() => [PackageLayerInput], { defaultValue: [] })
  layers!: PackageLayerInput[];

  @Field(() => [PackageLookupInput], { defaultValue: [] })
  lookups!: PackageLookupInput[];

  @Field({ defaultValue: false, description: 'Leave out a layer that fails and report it in errors.' })
  continueOnErrors!: boolean;
}

@InputType()
export class EstimatePackageInput {
  @Field(() => PackageFormatValue)
  format!: PackageFormatValue;

  @Field(() => [ID], { nullable: true })
  regionIds?: string[];

  @Field(() => PackageAreaInput, { nullable: true })
  area?: PackageAreaInput;
}
