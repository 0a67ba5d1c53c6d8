import { gzipSync } from 'node:zlib';
import { checkTileBody, matchesFormat } from './tile-body-check';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
// A vector tile starts with field 3 (layers), wire type 2: 0x1a.
const RAW_MVT = Buffer.from([0x1a, 0x05, 0x0a, 0x03, 0x61, 0x62, 0x63]);
const HTML = Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>');

describe('tile body checks', () => {
  it('recognises each format by its magic bytes', () => {
    expect(matchesFormat('png', PNG)).toBe(true);
    expect(matchesFormat('jpeg', JPEG)).toBe(true);
    expect(matchesFormat('webp', WEBP)).toBe(true);
    expect(matchesFormat('mvt', gzipSync(RAW_MVT))).toBe(true);
    expect(matchesFormat('mvt', RAW_MVT)).toBe(true);
  });

  it('refuses another format, truncated magic and a RIFF that is not WebP', () => {
    expect(matchesFormat('png', JPEG)).toBe(false);
    expect(matchesFormat('jpeg', PNG)).toBe(false);
    expect(matchesFormat('png', PNG.subarray(0, 7))).toBe(false);
    expect(
      matchesFormat('webp', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')])),
    ).toBe(false);
  });

  it('refuses an HTML page for a raster source and says it was text/html', () => {
    expect(checkTileBody('png', HTML, 'text/html; charset=utf-8')).toEqual({
      acceptable: false,
      reason: 'upstream returned text/html instead of a PNG tile',
    });
    // A server that labels its error page image/png is caught by the bytes.
    expect(checkTileBody('jpeg', HTML, 'image/jpeg')).toEqual({
      acceptable: false,
      reason: 'upstream returned text/html instead of a JPEG tile',
    });
  });

  it('refuses HTML and JSON error documents for a vector source, even after a BOM or whitespace', () => {
    expect(matchesFormat('mvt', Buffer.from('\ufeff  <html>'))).toBe(false);
    expect(checkTileBody('mvt', Buffer.from('{"error":"quota exceeded"}'), 'application/json')).toEqual({
      acceptable: false,
      reason: 'upstream returned application/json instead of a vector tile',
    });
    expect(checkTileBody('mvt', Buffer.from('\n{"error":1}'))).toEqual({
      acceptable: false,
      reason: 'upstream returned a JSON document instead of a vector tile',
    });
  });

  it('accepts valid magic whatever the content type says (servers lie)', () => {
    expect(checkTileBody('jpeg', JPEG, 'image/png')).toEqual({ acceptable: true });
    expect(checkTileBody('png', PNG, 'text/html')).toEqual({ acceptable: true });
    expect(checkTileBody('mvt', RAW_MVT, 'application/octet-stream')).toEqual({ acceptable: true });
  });

  it('names the image type when a raster source serves the wrong one', () => {
    expect(checkTileBody('png', JPEG, 'application/octet-stream')).toEqual({
      acceptable: false,
      reason: 'upstream returned a JPEG image instead of a PNG tile',
    });
    expect(checkTileBody('webp', Buffer.from([1, 2, 3]))).toEqual({
      acceptable: false,
      reason: 'upstream returned 3 bytes of unrecognised data instead of a WebP tile',
    });
  });
});
