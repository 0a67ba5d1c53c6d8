import Database from 'better-sqlite3';
import { flipY, isValidTile } from '@map-offline/geo';
import { computeAggregateTilesHash } from './aggregate-tiles-hash';

/**
 * Read access to an MBTiles file for verification: XYZ coordinates in (the TMS flip happens here), and
 * only the `tiles` view and `metadata` table that MBTiles 1.3 guarantees, so it reads files from other
 * writers too.
 */
export class MbtilesReader {
  private readonly tileStatement: Database.Statement<[number, number, number], { tile_data: Buffer }>;

  private constructor(private readonly database: Database.Database) {
    this.tileStatement = database.prepare(
      'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
    );
  }

  static open(path: string): MbtilesReader {
    return new MbtilesReader(new Database(path, { readonly: true, fileMustExist: true }));
  }

  /** The stored bytes of an XYZ tile, or undefined when the file does not have it. */
  getTile(z: number, x: number, y: number): Buffer | undefined {
    if (!isValidTile({ z, x, y })) return undefined;
    return this.tileStatement.get(z, x, flipY(y, z))?.tile_data;
  }

  /** Every metadata row as name -> value. */
  metadata(): Record<string, string> {
    const rows = this.database.prepare('SELECT name, value FROM metadata').all() as Array<{
      name: string;
      value: string;
    }>;
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  tileCount(): number {
    return (this.database.prepare('SELECT count(*) AS count FROM tiles').get() as { count: number }).count;
  }

  /** Recomputes agg_tiles_hash from the tiles, to compare with the stored metadata value. */
  computeAggregateTilesHash(): string {
    return computeAggregateTilesHash(this.database);
  }

  /** SQLite's own structural check; "ok" when the file is sound. */
  integrityCheck(): string {
    return this.database.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    this.database.close();
  }
}
