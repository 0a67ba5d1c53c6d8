/** Fixed size of a PMTiles v3 header in bytes. */
export const PMTILES_HEADER_BYTES = 127;
const MAGIC = 'PMTiles';
const SPEC_VERSION = 3;
/** Positions are stored as degrees x 10^7 in signed 32-bit integers. */
const POSITION_SCALE = 10_000_000;

export enum PmtilesCompression {
  Unknown = 0,
  None = 1,
  Gzip = 2,
  Brotli = 3,
  Zstd = 4,
}

export enum PmtilesTileType {
  Unknown = 0,
  Mvt = 1,
  Png = 2,
  Jpeg = 3,
  Webp = 4,
  Avif = 5,
}

/** Every header field; offsets and lengths in bytes, positions in degrees. */
export interface PmtilesHeader {
  rootDirectoryOffset: number;
  rootDirectoryLength: number;
  metadataOffset: number;
  metadataLength: number;
  leafDirectoriesOffset: number;
  leafDirectoriesLength: number;
  tileDataOffset: number;
  tileDataLength: number;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  clustered: boolean;
  internalCompression: PmtilesCompression;
  tileCompression: PmtilesCompression;
  tileType: PmtilesTileType;
  minZoom: number;
  maxZoom: number;
  minLongitude: number;
  minLatitude: number;
  maxLongitude: number;
  maxLatitude: number;
  centerZoom: number;
  centerLongitude: number;
  centerLatitude: number;
}

export function encodePmtilesHeader(header: PmtilesHeader): Buffer {
  const bytes = Buffer.alloc(PMTILES_HEADER_BYTES);
  bytes.write(MAGIC, 0, 'utf8');
  bytes.writeUInt8(SPEC_VERSION, 7);
  const counters = [
    header.rootDirectoryOffset,
    header.rootDirectoryLength,
    header.metadataOffset,
    header.metadataLength,
    header.leafDirectoriesOffset,
    header.leafDirectoriesLength,
    header.tileDataOffset,
    header.tileDataLength,
    header.addressedTiles,
    header.tileEntries,
    header.tileContents,
  ];
  counters.forEach((value, index) => bytes.writeBigUInt64LE(BigInt(value), 8 + index * 8));
  bytes.writeUInt8(header.clustered ? 1 : 0, 96);
  bytes.writeUInt8(header.internalCompression, 97);
  bytes.writeUInt8(header.tileCompression, 98);
  bytes.writeUInt8(header.tileType, 99);
  bytes.writeUInt8(header.minZoom, 100);
  bytes.writeUInt8(header.maxZoom, 101);
  writePosition(bytes, 102, header.minLongitude, header.minLatitude);
  writePosition(bytes, 110, header.maxLongitude, header.maxLatitude);
  bytes.writeUInt8(header.centerZoom, 118);
  writePosition(bytes, 119, header.centerLongitude, header.centerLatitude);
  return bytes;
}

export function decodePmtilesHeader(bytes: Uint8Array): PmtilesHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < PMTILES_HEADER_BYTES || view.toString('utf8', 0, 7) !== MAGIC) {
    throw new RangeError('not a PMTiles archive (bad magic number)');
  }
  if (view.readUInt8(7) !== SPEC_VERSION)
    throw new RangeError(`PMTiles version ${view.readUInt8(7)} is not 3`);
  const counter = (index: number): number => Number(view.readBigUInt64LE(8 + index * 8));
  const position = (offset: number): number => view.readInt32LE(offset) / POSITION_SCALE;
  return {
    rootDirectoryOffset: counter(0),
    rootDirectoryLength: counter(1),
    metadataOffset: counter(2),
    metadataLength: counter(3),
    leafDirectoriesOffset: counter(4),
    leafDirectoriesLength: counter(5),
    tileDataOffset: counter(6),
    tileDataLength: counter(7),
    addressedTiles: counter(8),
    tileEntries: counter(9),
    tileContents: counter(10),
    clustered: view.readUInt8(96) === 1,
    internalCompression: view.readUInt8(97),
    tileCompression: view.readUInt8(98),
    tileType: view.readUInt8(99),
    minZoom: view.readUInt8(100),
    maxZoom: view.readUInt8(101),
    minLongitude: position(102),
    minLatitude: position(106),
    maxLongitude: position(110),
    maxLatitude: position(114),
    centerZoom: view.readUInt8(118),
    centerLongitude: position(119),
    centerLatitude: position(123),
  };
}

function writePosition(bytes: Buffer, offset: number, longitude: number, latitude: number): void {
  bytes.writeInt32LE(Math.round(longitude * POSITION_SCALE), offset);
  bytes.writeInt32LE(Math.round(latitude * POSITION_SCALE), offset + 4);
}
