/** One validated tile of an upload request or confirmation, with its position in the call. */
export interface TileUploadCandidate {
  index: number;
  z: number;
  x: number;
  y: number;
  sha256: string;
  /** bytes */
  size: number;
  contentType: string;
}

export function tileLabel(tile: { z: number; x: number; y: number }): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}
