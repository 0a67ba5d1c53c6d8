import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OfflinePackageEntity } from './offline-package.entity';

/**
 * A tile pinned by an offline package. Region release keeps a tile while any pin names it, so deleting a
 * region does not remove tiles a package uses; deleting the package releases its pins in chunks and
 * collects the tiles (and blobs) nothing else uses.
 */
@Entity('offline_package_tile')
@Index(['sourceId', 'z', 'x', 'y'])
export class OfflinePackageTileEntity {
  @PrimaryColumn({ type: 'uuid' })
  packageId!: string;

  @ManyToOne(() => OfflinePackageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id' })
  offlinePackage?: OfflinePackageEntity;

  @PrimaryColumn({ type: 'uuid' })
  sourceId!: string;

  @PrimaryColumn({ type: 'smallint' })
  z!: number;

  @PrimaryColumn({ type: 'integer' })
  x!: number;

  /** XYZ row, as in the tile index. */
  @PrimaryColumn({ type: 'integer' })
  y!: number;
}
