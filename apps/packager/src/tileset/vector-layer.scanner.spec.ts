import { gzipSync } from 'node:zlib';
import { VectorLayerScanner } from './vector-layer.scanner';

/** A minimal protobuf encoder for the test, written from the wire format, not from the scanner. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
const delimited = (field: number, payload: Buffer): Buffer =>
  Buffer.concat([varint(field * 8 + 2), varint(payload.length), payload]);
const text = (field: number, value: string): Buffer => delimited(field, Buffer.from(value));
const varintField = (field: number, value: number): Buffer =>
  Buffer.concat([varint(field * 8), varint(value)]);
const double = (field: number, value: number): Buffer => {
  const payload = Buffer.alloc(8);
  payload.writeDoubleLE(value);
  return Buffer.concat([varint(field * 8 + 1), payload]);
};

function layer(name: string, keys: string[], values: Buffer[], featureTags: number[][]): Buffer {
  return delimited(
    3,
    Buffer.concat([
      text(1, name),
      ...featureTags.map((tags) =>
        delimited(
          2,
          Buffer.concat([
            varintField(1, 7),
            delimited(2, Buffer.concat(tags.map(varint))),
            varintField(3, 1),
            delimited(4, Buffer.concat([varint(9), varint(50), varint(34)])),
          ]),
        ),
      ),
      ...keys.map((key) => text(3, key)),
      ...values.map((value) => delimited(4, value)),
      varintField(5, 4096),
      varintField(15, 2),
    ]),
  );
}

describe('VectorLayerScanner', () => {
  it('reads layer names and attribute types from raw and gzipped tiles', () => {
    const roads = layer(
      'roads',
      ['class', 'lanes', 'paved'],
      [text(1, 'primary'), varintField(5, 2), varintField(7, 1), double(3, 2.5)],
      [
        [0, 0, 1, 1, 2, 2],
        [1, 3],
      ],
    );
    const water = layer('water', ['name'], [text(1, 'Lake')], [[0, 0]]);
    const scanner = new VectorLayerScanner();
    scanner.add(Buffer.concat([roads]));
    scanner.add(gzipSync(Buffer.concat([water, roads])));
    expect(scanner.vectorLayers()).toEqual([
      { id: 'roads', fields: { class: 'String', lanes: 'Number', paved: 'Boolean' } },
      { id: 'water', fields: { name: 'String' } },
    ]);
  });

  it('describes a field seen with two types as String', () => {
    const first = layer('poi', ['rank'], [varintField(5, 3)], [[0, 0]]);
    const second = layer('poi', ['rank'], [text(1, 'high')], [[0, 0]]);
    const scanner = new VectorLayerScanner();
    scanner.add(first);
    scanner.add(second);
    expect(scanner.vectorLayers()).toEqual([{ id: 'poi', fields: { rank: 'String' } }]);
  });

  it('refuses a truncated tile', () => {
    const tile = layer('roads', ['class'], [text(1, 'primary')], [[0, 0]]);
    expect(() => new VectorLayerScanner().add(tile.subarray(0, tile.length - 3))).toThrow(RangeError);
  });
});
