import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';
import type { TileFormat } from './tile-source.entity';

export type OfflinePackageFormat = 'mbtiles' | 'pmtiles' | 'cybertracker-zip';

/**
 * queued -> (waiting while its regions still cache) -> building -> ready | failed | cancelled;
 * any -> deleting until the record is removed.
 */
export type OfflinePackageState =
  'queued' | 'waiting' | 'building' | 'ready' | 'failed' | 'cancelled' | 'deleting';

/** What went wrong with one layer of a package; with continueOnErrors the layer is left out. */
export interface OfflinePackageLayerError {
  /** The layer's name as given in the request (the basemap is "basemap"). */
  layer: string;
  kind: 'basemap' | 'layer' | 'lookup';
  message: string;
}

/**
 * An offline package: what was asked for (regions, format, manifest fields, layers in `request`) and,
 * once built, what came out (object key, bytes, SHA-256, tile count, zooms, bounds). The tiles it uses
 * are pinned in offline_package_tile for as long as this row exists.
 */
@Entity('offline_package')
@Index(['organisationId', 'createdAt'])
export class OfflinePackageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The stable id of package.json (`org.example.gabon`): devices replace an installed package by it. */
  @Column({ type: 'varchar', length: 200 })
  packageIdentifier!: string;

  /** package.json version, compared as a string by devices (YYYY.MM.DD or zero-padded numbers). */
  @Column({ type: 'varchar', length: 64 })
  version!: string;

  /** Builds of this package identifier so far, this one included: the MBTiles/PMTiles tileset version. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'varchar', length: 35, nullable: true })
  language!: string | null;

  @Column({ type: 'varchar', length: 20 })
  format!: OfflinePackageFormat;

  @Column({ type: 'varchar', length: 16 })
  state!: OfflinePackageState;

  /** The one tile source of the package's regions; null for a zip of layers only. */
  @Column({ type: 'uuid', nullable: true })
  sourceId!: string | null;

  /** Cache regions the tiles come from (a region may be deleted later; its pinned tiles stay). */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  regionIds!: string[];

  /** Format of the tiles inside (png, jpeg, webp, mvt); null without tiles. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  tileFormat!: TileFormat | null;

  @Column({ type: 'smallint', nullable: true })
  minZoom!: number | null;

  @Column({ type: 'smallint', nullable: true })
  maxZoom!: number | null;

  /** [west, south, east, north] in degrees (EPSG:4326). */
  @Column({ type: 'double precision', array: true, nullable: true })
  bounds!: number[] | null;

  /** Tiles addressed by the file. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  tileCount!: number;

  /** Distinct tile bodies stored once each. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  uniqueTileCount!: number;

  /** bytes of the finished file */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes!: number | null;

  /** lower-case hex SHA-256 of the finished file */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  objectKey!: string | null;

  /** The file name a download is offered under (`org.example.gabon-2026.04.21.zip`). */
  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  /** Layers, lookups and options of the build (PackageBuildRequest of @map-offline/contracts). */
  @Column({ type: 'jsonb' })
  request!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  layerErrors!: OfflinePackageLayerError[];

  @Column({ type: 'varchar', length: 2000, nullable: true })
  failureReason!: string | null;

  /**
   * Capability for the stable download link: 32 random bytes, base64url. It grants downloading this
   * package only, lives as long as the package and is replaced to revoke printed QR codes.
   */
  @Column({ type: 'varchar', length: 64 })
  downloadToken!: string;

  /** The latest build job. */
  @Column({ type: 'uuid', nullable: true })
  jobRunId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  builtAt!: Date | null;
}
