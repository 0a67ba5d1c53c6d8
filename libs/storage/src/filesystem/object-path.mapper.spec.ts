import fc from 'fast-check';
import { join } from 'node:path';
import { StorageErrorCode } from '../storage.error';
import {
  escapeSegment,
  isObjectEntryName,
  ObjectPathMapper,
  RESERVED_MARKER,
  unescapeSegment,
} from './object-path.mapper';

describe('segment escaping', () => {
  it('round-trips every segment and never leaves the reserved marker', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '%', '~', '7', 'E', '2', '5', 'ä') }), (segment) => {
        const escaped = escapeSegment(segment);
        expect(escaped.includes(RESERVED_MARKER)).toBe(false);
        expect(unescapeSegment(escaped)).toBe(segment);
      }),
    );
  });

  it('keeps ordinary names readable on disk', () => {
    expect(escapeSegment('tile 1.png')).toBe('tile 1.png');
    expect(escapeSegment('50%~off')).toBe('50%25%7Eoff');
  });
});

describe('ObjectPathMapper', () => {
  const mapper = new ObjectPathMapper('/srv/objects');

  it('maps a key to its file and its legacy sidecar under the root', () => {
    const paths = mapper.pathsFor('blobs/ab/cd/abcd');
    expect(paths).toEqual({
      directory: join('/srv/objects', 'blobs/ab/cd'),
      data: join('/srv/objects', 'blobs/ab/cd/abcd'),
      legacyMeta: join('/srv/objects', 'blobs/ab/cd/abcd~meta.json'),
    });
    expect(isObjectEntryName('abcd')).toBe(true);
    expect(isObjectEntryName('abcd~meta.json')).toBe(false);
    expect(isObjectEntryName(mapper.temporaryPath(paths, 'f00').split('/').pop() ?? '')).toBe(false);
  });

  it.each(['../etc/passwd', 'a/./b', 'a//b', ''])('refuses %j even if the validator was skipped', (key) => {
    expect(() => mapper.pathsFor(key)).toThrow(
      expect.objectContaining({ code: StorageErrorCode.INVALID_KEY }),
    );
  });
});
