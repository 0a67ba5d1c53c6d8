import { matchesFormat } from '@map-offline/upstream';
import { TileConfirmationStatus } from './tile-upload.model';
import { formatOfMediaType } from './tile-media-type';
import { TileUploadCandidate } from './tile-upload-candidate';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';
import { ObjectInspection } from './uploaded-object.inspector';

export interface UploadVerdict {
  status: TileConfirmationStatus;
  /** null when INDEXED-able; otherwise why not, without URLs or object keys */
  message: string | null;
}

/** Whether the object read back is exactly the tile the caller declared: size, then hash, then format. */
export function judgeUpload(tile: TileUploadCandidate, inspection: ObjectInspection): UploadVerdict {
  if (inspection.kind === 'missing') {
    return {
      status: TileConfirmationStatus.NOT_UPLOADED,
      message: 'no object was uploaded for this sha256 (or storage refused the upload)',
    };
  }
  if (inspection.sizeBytes !== tile.size) {
    return {
      status: TileConfirmationStatus.SIZE_MISMATCH,
      message:
        inspection.kind === 'oversized'
          ? `the uploaded object has more than ${TILE_UPLOAD_LIMITS.maxTileBytes} bytes, not ${tile.size}`
          : `the uploaded object has ${inspection.sizeBytes} bytes, not ${tile.size}`,
    };
  }
  if (inspection.kind === 'oversized' || inspection.sha256 !== tile.sha256) {
    return {
      status: TileConfirmationStatus.CHECKSUM_MISMATCH,
      message: 'the uploaded bytes do not hash to the declared sha256',
    };
  }
  const format = formatOfMediaType(tile.contentType);
  if (format === undefined || !matchesFormat(format, inspection.leadingBytes)) {
    return {
      status: TileConfirmationStatus.FORMAT_MISMATCH,
      message: `the uploaded bytes are not ${tile.contentType}`,
    };
  }
  return { status: TileConfirmationStatus.INDEXED, message: null };
}
