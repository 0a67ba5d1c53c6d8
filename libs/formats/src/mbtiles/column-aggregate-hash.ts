import { ChunkedMd5 } from './chunked-md5';

/** Bytes of one column's bodies held at most; a taller or heavier column falls back to the SQL pass. */
const DEFAULT_COLUMN_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * `agg_tiles_hash` (see computeAggregateTilesHash) computed while the tiles are written, which saves the
 * pass that reads every tile back out of SQLite. The hash wants (zoom, column, TMS row) order; tiles come
 * in listing order, zoom by zoom and column by column, but XYZ rows run the other way, so one column's
 * bodies are copied into an arena and hashed in row order when the next column starts. When the input is
 * not in column order, or one column outgrows the budget, it gives up (`result()` is undefined) and the
 * writer runs the SQL pass instead.
 */
export class ColumnAggregateHash {
  private readonly hash = new ChunkedMd5();
  private zoom = -1;
  private column = -1;
  private rows: number[] = [];
  private starts: number[] = [];
  private arena = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private abandoned = false;

  constructor(private readonly budgetBytes = DEFAULT_COLUMN_BUDGET_BYTES) {}

  /** `row` is the TMS row, as stored. */
  add(zoom: number, column: number, row: number, body: Buffer): void {
    if (this.abandoned) return;
    if (zoom !== this.zoom || column !== this.column) {
      if (zoom < this.zoom || (zoom === this.zoom && column < this.column)) return this.abandon();
      this.hashColumn();
      this.zoom = zoom;
      this.column = column;
    }
    if (this.used + body.length > this.budgetBytes) return this.abandon();
    if (this.used + body.length > this.arena.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(this.budgetBytes, Math.max(this.arena.length * 2, this.used + body.length)),
      );
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    this.rows.push(row);
    this.starts.push(this.used);
    this.used += body.copy(this.arena, this.used);
  }

  /** Uppercase hex MD5, or undefined when the input did not allow it. */
  result(): string | undefined {
    if (this.abandoned) return undefined;
    this.hashColumn();
    return this.hash.digest();
  }

  private hashColumn(): void {
    const count = this.rows.length;
    if (count === 0) return;
    const order = Array.from({ length: count }, (_, index) => index).sort(
      (left, right) => this.rows[left] - this.rows[right],
    );
    const prefix = `${this.zoom}${this.column}`;
    for (const index of order) {
      const end = index + 1 < count ? this.starts[index + 1] : this.used;
      this.hash.text(`${prefix}${this.rows[index]}`);
      this.hash.bytes(this.arena.subarray(this.starts[index], end));
    }
    this.rows = [];
    this.starts = [];
    this.used = 0;
  }

  private abandon(): void {
    this.abandoned = true;
    this.rows = [];
    this.starts = [];
    this.arena = Buffer.alloc(0);
  }
}
