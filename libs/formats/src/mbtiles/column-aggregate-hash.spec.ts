import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ColumnAggregateHash } from './column-aggregate-hash';

interface Row {
  zoom: number;
  column: number;
  row: number;
  body: Buffer;
}

/** The definition, independently: sort by (zoom, column, row), MD5 of digits and bodies back to back. */
function expectedHash(rows: Row[]): string {
  const hash = createHash('md5');
  for (const { zoom, column, row, body } of [...rows].sort(
    (left, right) => left.zoom - right.zoom || left.column - right.column || left.row - right.row,
  )) {
    hash.update(`${zoom}${column}${row}`);
    hash.update(body);
  }
  return hash.digest('hex').toUpperCase();
}

/** Distinct (zoom, column, row) addresses with bodies, in the given arrival order. */
const rowsArbitrary = fc
  .uniqueArray(
    fc.record({
      zoom: fc.integer({ min: 0, max: 3 }),
      column: fc.integer({ min: 0, max: 7 }),
      row: fc.integer({ min: 0, max: 7 }),
      body: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    }),
    { selector: ({ zoom, column, row }) => `${zoom}/${column}/${row}`, maxLength: 60 },
  )
  .filter((rows) => rows.length > 0);

describe('ColumnAggregateHash', () => {
  it('matches the agg_tiles_hash definition for tiles in column order, rows in any order', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        // Column order as the listing gives it, rows within a column in arrival (shuffled) order.
        const arrival = [...rows].sort((left, right) => left.zoom - right.zoom || left.column - right.column);
        const hash = new ColumnAggregateHash();
        for (const { zoom, column, row, body } of arrival) hash.add(zoom, column, row, body);
        expect(hash.result()).toBe(expectedHash(rows));
      }),
    );
  });

  it('copies bodies, so a caller reusing its buffer does not change the hash', () => {
    const body = Buffer.from('first');
    const hash = new ColumnAggregateHash();
    hash.add(1, 0, 1, body);
    body.write('other');
    hash.add(1, 0, 0, Buffer.from('second'));
    expect(hash.result()).toBe(
      expectedHash([
        { zoom: 1, column: 0, row: 1, body: Buffer.from('first') },
        { zoom: 1, column: 0, row: 0, body: Buffer.from('second') },
      ]),
    );
  });

  it('gives up on tiles out of column order and on a column above its budget', () => {
    const outOfOrder = new ColumnAggregateHash();
    outOfOrder.add(2, 1, 0, Buffer.from('a'));
    outOfOrder.add(2, 0, 0, Buffer.from('b'));
    expect(outOfOrder.result()).toBeUndefined();

    const heavy = new ColumnAggregateHash(100);
    heavy.add(3, 0, 0, Buffer.alloc(60));
    heavy.add(3, 1, 0, Buffer.alloc(60));
    expect(heavy.result()).toBeDefined();
    const tooHeavy = new ColumnAggregateHash(100);
    tooHeavy.add(3, 0, 0, Buffer.alloc(60));
    tooHeavy.add(3, 0, 1, Buffer.alloc(60));
    expect(tooHeavy.result()).toBeUndefined();
  });
});
