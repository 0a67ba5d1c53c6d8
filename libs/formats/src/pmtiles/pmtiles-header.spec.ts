import { bytesToHeader } from 'pmtiles';
import {
  decodePmtilesHeader,
  encodePmtilesHeader,
  PMTILES_HEADER_BYTES,
  type PmtilesHeader,
} from './pmtiles-header';

const header: PmtilesHeader = {
  rootDirectoryOffset: 127,
  rootDirectoryLength: 5000,
  metadataOffset: 5127,
  metadataLength: 300,
  leafDirectoriesOffset: 5427,
  leafDirectoriesLength: 2 ** 33 + 5,
  tileDataOffset: 2 ** 33 + 5432,
  tileDataLength: 2 ** 40,
  addressedTiles: 1_000_000,
  tileEntries: 400_000,
  tileContents: 350_000,
  clustered: true,
  internalCompression: 2,
  tileCompression: 1,
  tileType: 2,
  minZoom: 0,
  maxZoom: 14,
  minLongitude: -180,
  minLatitude: -85.0511288,
  maxLongitude: 180,
  maxLatitude: 85.0511288,
  centerZoom: 3,
  centerLongitude: 9.4536,
  centerLatitude: -0.3904,
};

describe('PMTiles header', () => {
  it('is 127 bytes, starts with the magic and version 3, and is read the same by the pmtiles package', () => {
    const bytes = encodePmtilesHeader(header);
    expect(bytes.length).toBe(PMTILES_HEADER_BYTES);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x50, 0x4d, 0x54, 0x69, 0x6c, 0x65, 0x73, 0x03]));
    const arrayBuffer = new Uint8Array(bytes).buffer;
    expect(bytesToHeader(arrayBuffer)).toMatchObject({
      specVersion: 3,
      rootDirectoryOffset: 127,
      leafDirectoryLength: 2 ** 33 + 5,
      tileDataOffset: 2 ** 33 + 5432,
      tileDataLength: 2 ** 40,
      numAddressedTiles: 1_000_000,
      numTileEntries: 400_000,
      numTileContents: 350_000,
      clustered: true,
      maxZoom: 14,
      minLon: -180,
      minLat: -85.0511288,
      centerLon: 9.4536,
      centerLat: -0.3904,
    });
    expect(decodePmtilesHeader(bytes)).toEqual(header);
  });

  it('stores positions as little-endian int32 of degrees x 10^7, longitude first', () => {
    const bytes = encodePmtilesHeader(header);
    expect(bytes.readInt32LE(102)).toBe(-1_800_000_000);
    expect(bytes.readInt32LE(106)).toBe(-850_511_288);
    expect(bytes.readInt32LE(119)).toBe(94_536_000);
  });
});
