import { gunzipSync } from 'node:zlib';
import type { VectorLayer } from '@map-offline/formats';

type FieldType = VectorLayer['fields'][string];

/** Protocol buffer wire types (varint, 64-bit, length-delimited, 32-bit). */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Collects the `vector_layers` of MVT tiles (Mapbox Vector Tile 2.1: Tile.layers = 3; Layer.name = 1,
 * features = 2, keys = 3, values = 4; Feature.tags = 2; Value fields 1 string, 2-6 numbers, 7 bool), which
 * MBTiles 1.3 and PMTiles v3 both require for vector tilesets. Only layer names and attribute types are
 * read; geometry is skipped. A field seen with several types is described as String.
 */
export class VectorLayerScanner {
  private readonly layers = new Map<string, Map<string, FieldType>>();

  /** Adds one tile's layers; gzip-compressed tiles are inflated first. */
  add(tile: Buffer): void {
    const bytes = tile.length >= 2 && tile[0] === 0x1f && tile[1] === 0x8b ? gunzipSync(tile) : tile;
    for (const field of readFields(bytes)) {
      if (field.number === 3 && field.bytes) this.addLayer(field.bytes);
    }
  }

  /** Layers in name order, fields in name order. */
  vectorLayers(): VectorLayer[] {
    return [...this.layers.entries()]
      .sort(([first], [second]) => (first < second ? -1 : first > second ? 1 : 0))
      .map(([id, fields]) => ({
        id,
        fields: Object.fromEntries(
          [...fields.entries()].sort(([first], [second]) => (first < second ? -1 : 1)),
        ),
      }));
  }

  private addLayer(layer: Uint8Array): void {
    let name = '';
    const keys: string[] = [];
    const valueTypes: FieldType[] = [];
    const features: Uint8Array[] = [];
    for (const field of readFields(layer)) {
      if (field.number === 1 && field.bytes) name = Buffer.from(field.bytes).toString('utf8');
      else if (field.number === 3 && field.bytes) keys.push(Buffer.from(field.bytes).toString('utf8'));
      else if (field.number === 4 && field.bytes) valueTypes.push(valueType(field.bytes));
      else if (field.number === 2 && field.bytes) features.push(field.bytes);
    }
    if (name === '') return;
    const fields = this.layers.get(name) ?? new Map<string, FieldType>();
    this.layers.set(name, fields);
    for (const feature of features) {
      for (const field of readFields(feature)) {
        if (field.number !== 2 || !field.bytes) continue;
        const tags = readPackedVarints(field.bytes);
        for (let index = 0; index + 1 < tags.length; index += 2) {
          const key = keys[tags[index]];
          const type = valueTypes[tags[index + 1]];
          if (key === undefined || type === undefined) continue;
          const known = fields.get(key);
          fields.set(key, known === undefined || known === type ? type : 'String');
        }
      }
    }
  }
}

function valueType(value: Uint8Array): FieldType {
  for (const field of readFields(value)) {
    if (field.number === 1) return 'String';
    if (field.number >= 2 && field.number <= 6) return 'Number';
    if (field.number === 7) return 'Boolean';
  }
  return 'String';
}

interface ProtobufField {
  number: number;
  /** the payload of a length-delimited field */
  bytes?: Uint8Array;
}

function* readFields(bytes: Uint8Array): Generator<ProtobufField> {
  let position = 0;
  while (position < bytes.length) {
    const [key, afterKey] = readVarint(bytes, position);
    position = afterKey;
    const number = Math.floor(key / 8);
    switch (key % 8) {
      case WIRE_VARINT:
        position = readVarint(bytes, position)[1];
        yield { number };
        break;
      case WIRE_FIXED64:
        position += 8;
        yield { number };
        break;
      case WIRE_FIXED32:
        position += 4;
        yield { number };
        break;
      case WIRE_LENGTH_DELIMITED: {
        const [length, start] = readVarint(bytes, position);
        position = start + length;
        if (position > bytes.length) throw new RangeError('protobuf field runs past the end of the tile');
        yield { number, bytes: bytes.subarray(start, position) };
        break;
      }
      default:
        throw new RangeError(`unsupported protobuf wire type ${key % 8}`);
    }
  }
}

function readPackedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let position = 0;
  while (position < bytes.length) {
    const [value, next] = readVarint(bytes, position);
    values.push(value);
    position = next;
  }
  return values;
}

/** Reads a base-128 varint (up to 2^53, enough for keys, lengths and tag indexes). */
function readVarint(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let multiplier = 1;
  let position = start;
  for (;;) {
    if (position >= bytes.length) throw new RangeError('varint runs past the end of the tile');
    const byte = bytes[position];
    position += 1;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return [value, position];
    multiplier *= 128;
    if (multiplier > 2 ** 56) throw new RangeError('varint is too long');
  }
}
