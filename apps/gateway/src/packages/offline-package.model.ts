import type { OfflinePackageEntity } from '@map-offline/entities';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum PackageFormatValue {
  MBTILES = 'mbtiles',
  PMTILES = 'pmtiles',
  CYBERTRACKER_ZIP = 'cybertracker-zip',
}
registerEnumType(PackageFormatValue, {
  name: 'PackageFormat',
  description: 'MBTiles 1.3, PMTiles v3, or a CyberTracker/SMART offline map package (zip).',
});

export enum PackageStateValue {
  QUEUED = 'queued',
  WAITING = 'waiting',
  BUILDING = 'building',
  READY = 'ready',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
  DELETING = 'deleting',
}
registerEnumType(PackageStateValue, {
  name: 'PackageState',
  description: 'WAITING: its regions are still caching. READY: built, verified and downloadable.',
});

export enum ApplinkAppValue {
  CYBERTRACKER = 'cybertracker',
  SMART = 'smart',
}
registerEnumType(ApplinkAppValue, { name: 'ApplinkApp' });

@ObjectType({ description: 'Why one layer of a package failed; with continueOnErrors it was left out.' })
export class PackageLayerError {
  @Field({ description: 'The layer name from the request; "basemap" for the tiles.' })
  layer!: string;

  @Field({ description: 'basemap, layer or lookup.' })
  kind!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'An offline package: MBTiles, PMTiles or a CyberTracker/SMART zip.' })
export class OfflinePackage {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'The stable package.json id devices replace an installed package by.' })
  packageId!: string;

  @Field({ description: 'Compared as a string by devices: YYYY.MM.DD[.NNN] or zero-padded numbers.' })
  version!: string;

  @Field(() => Int, { description: 'Builds of this packageId so far; the MBTiles/PMTiles tileset version.' })
  revision!: number;

  @Field(() => String, { nullable: true })
  language!: string | null;

  @Field(() => PackageFormatValue)
  format!: PackageFormatValue;

  @Field(() => PackageStateValue)
  state!: PackageStateValue;

  @Field(() => ID, { nullable: true })
  sourceId!: string | null;

  @Field(() => [ID], { description: 'Cache regions the tiles come from (they may have been deleted since).' })
  regionIds!: string[];

  @Field(() => String, { nullable: true, description: 'png, jpeg, webp or mvt.' })
  tileFormat!: string | null;

  @Field(() => Int, { nullable: true })
  minZoom!: number | null;

  @Field(() => Int, { nullable: true })
  maxZoom!: number | null;

  @Field(() => [Float], { nullable: true, description: '[west, south, east, north] in degrees.' })
  bounds!: number[] | null;

  @Field(() => Float, { description: 'Tiles in the file.' })
  tileCount!: number;

  @Field(() => Float, { description: 'Distinct tile bodies stored once each.' })
  uniqueTileCount!: number;

  @Field(() => Float, { nullable: true, description: 'Bytes of the file.' })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the file, checked after upload.' })
  sha256!: string | null;

  @Field({ description: 'The name a download is offered under.' })
  fileName!: string;

  @Field(() => [PackageLayerError])
  errors!: PackageLayerError[];

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The latest build job.' })
  jobId!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  builtAt!: Date | null;

  /** The record behind the fields (not in the schema): field resolvers need its link token and object key. */
  record!: OfflinePackageEntity;
}

@ObjectType({ description: 'What a package would hold, from the tile index, before building.' })
export class PackageEstimate {
  @Field(() => Float, { description: 'Tiles the file would address.' })
  tiles!: number;

  @Field(() => Float, { nullable: true, description: 'Distinct tile bodies (null before caching).' })
  uniqueTiles!: number | null;

  @Field(() => Float, { description: 'Bytes of tile data after de-duplication.' })
  tileBytes!: number;

  @Field(() => Float, { description: 'Estimated bytes of the file, container overhead included.' })
  estimatedFileBytes!: number;

  @Field(() => Int, { nullable: true })
  minZoom!: number | null;

  @Field(() => Int, { nullable: true })
  maxZoom!: number | null;

  @Field(() => Float, { description: 'Tiles that still have to be cached before the build can start.' })
  tilesToCache!: number;

  @Field({ description: 'True when counted from the tile index; false when estimated from an area.' })
  exact!: boolean;
}
