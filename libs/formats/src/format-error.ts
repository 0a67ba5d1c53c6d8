/** Why the formats library refused an input or could not finish a file. Callers branch on the code. */
export enum FormatErrorCode {
  /** Tileset metadata (name, format, bounds, zooms, vector layers) breaks a rule. */
  INVALID_METADATA = 'INVALID_METADATA',
  /** A tile is malformed: bad coordinate, empty body, wrong signature for the format, bad hash string. */
  INVALID_TILE = 'INVALID_TILE',
  /** The bytes of a tile do not hash to the SHA-256 the caller gave. */
  TILE_HASH_MISMATCH = 'TILE_HASH_MISMATCH',
  /** The same z/x/y arrived twice. */
  DUPLICATE_TILE = 'DUPLICATE_TILE',
  /** A tile lies outside the declared zoom range, or a declared end zoom has no tile. */
  ZOOM_RANGE_MISMATCH = 'ZOOM_RANGE_MISMATCH',
  /** The iterator yielded no tile; neither format can describe an empty tileset usefully. */
  EMPTY_TILESET = 'EMPTY_TILESET',
  /** The output path already exists; writers never overwrite. */
  OUTPUT_EXISTS = 'OUTPUT_EXISTS',
  /** The PMTiles root directory cannot be made to fit in the first 16 KiB. */
  DIRECTORY_TOO_LARGE = 'DIRECTORY_TOO_LARGE',
  /** A CyberTracker/SMART package input breaks a rule of the package format. */
  INVALID_PACKAGE = 'INVALID_PACKAGE',
  /** A package version would not compare correctly as a string. */
  INVALID_VERSION = 'INVALID_VERSION',
  /** An applink URL is malformed or not one of ours. */
  INVALID_APPLINK = 'INVALID_APPLINK',
  /** The caller's AbortSignal fired; the partial output was removed. */
  ABORTED = 'ABORTED',
}

/**
 * Every failure the formats library raises on purpose. `problems` lists each broken rule as
 * `<field path> <what is wrong>` (for example `layers[2].symbol.marker-style must be one of circle, ...`),
 * so an operator can fix all of them in one go.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';

  constructor(
    readonly code: FormatErrorCode,
    message: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}
