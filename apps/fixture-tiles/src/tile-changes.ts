import type { TileCoord } from '@map-offline/geo';

/** Which tiles a change applies to: a list, or a predicate over XYZ coordinates. */
export type TileSelection = readonly TileCoord[] | ((tile: TileCoord) => boolean);

interface ChangeRule {
  matches: (tile: TileCoord) => boolean;
  version: string;
}

/**
 * Versions of changed tiles. A changed tile renders with other colours (PNG) or an extra `meta` layer
 * (MVT), so it has new bytes and a new ETag, as when an upstream re-renders part of its map. The newest
 * rule that matches a tile wins; a tile no rule matches has the base version ''.
 */
export class TileChanges {
  private rules: ChangeRule[] = [];

  change(selection: TileSelection, version: string | number): void {
    const text = String(version);
    if (text === '') throw new Error('a tile change needs a non-empty version');
    if (typeof selection === 'function') {
      this.rules.unshift({ matches: selection, version: text });
      return;
    }
    const keys = new Set(selection.map((tile) => tileKey(tile)));
    this.rules.unshift({ matches: (tile) => keys.has(tileKey(tile)), version: text });
  }

  clear(): void {
    this.rules = [];
  }

  versionOf(tile: TileCoord): string {
    for (const rule of this.rules) {
      if (rule.matches(tile)) return rule.version;
    }
    return '';
  }
}

export function tileKey(tile: TileCoord): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}
