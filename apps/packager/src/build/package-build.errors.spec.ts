import { UnrecoverableError } from 'bullmq';
import { RegionsUnavailableError } from '@map-offline/entities';
import { FormatError, FormatErrorCode } from '@map-offline/formats';
import { StorageError, StorageErrorCode } from '@map-offline/storage';
import { PackageVerificationError } from '../verify/expected-tiles';
import {
  describeBuildFailure,
  isPermanentBuildFailure,
  layerErrorsOf,
  PermanentBuildError,
} from './package-build.errors';

describe('build failure classification', () => {
  it('treats bad input and bad data as permanent, outages and verification races as transient', () => {
    expect(isPermanentBuildFailure(new PermanentBuildError('no tiles'))).toBe(true);
    expect(isPermanentBuildFailure(new RegionsUnavailableError(['r']))).toBe(true);
    expect(isPermanentBuildFailure(new UnrecoverableError('gone'))).toBe(true);
    expect(isPermanentBuildFailure(new FormatError(FormatErrorCode.INVALID_TILE, 'bad tile'))).toBe(true);
    expect(isPermanentBuildFailure(new FormatError(FormatErrorCode.ABORTED, 'aborted'))).toBe(false);
    expect(isPermanentBuildFailure(new StorageError(StorageErrorCode.NOT_FOUND, 'missing blob'))).toBe(true);
    expect(isPermanentBuildFailure(new StorageError(StorageErrorCode.UNAVAILABLE, 'S3 503'))).toBe(false);
    expect(isPermanentBuildFailure(new PackageVerificationError('tile differs'))).toBe(false);
    expect(isPermanentBuildFailure(new Error('connection reset'))).toBe(false);
  });

  it('describes failures without stacks and keeps per-layer errors', () => {
    const layerErrors = [{ layer: 'Roads', kind: 'layer' as const, message: 'bad' }];
    expect(layerErrorsOf(new PermanentBuildError('1 layer(s) failed', layerErrors))).toEqual(layerErrors);
    expect(layerErrorsOf(new Error('other'))).toEqual([]);
    expect(
      describeBuildFailure(new FormatError(FormatErrorCode.EMPTY_TILESET, 'x', ['no tiles', 'really'])),
    ).toBe('EMPTY_TILESET: no tiles; really');
    expect(describeBuildFailure(new StorageError(StorageErrorCode.NOT_FOUND, 'object gone'))).toBe(
      'storage NOT_FOUND: object gone',
    );
  });
});
