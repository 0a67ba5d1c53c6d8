import { createHash } from 'node:crypto';

/** Colours of one raster style, as CSS hex strings. */
export interface TilePalette {
  sea: string;
  land: string;
  border: string;
}

/** The styles in the URL (`/{style}/{z}/{x}/{y}.png`); vector tiles carry the same data for every style. */
export const TILE_STYLES = {
  basic: { sea: '#aad3df', land: '#f2efe9', border: '#9e9cab' },
  dark: { sea: '#1b2633', land: '#343b43', border: '#6b7580' },
} as const satisfies Record<string, TilePalette>;

export type TileStyleName = keyof typeof TILE_STYLES;

export function isTileStyleName(name: string): name is TileStyleName {
  return Object.prototype.hasOwnProperty.call(TILE_STYLES, name);
}

// How far a changed tile's colours move toward the version's colour (0 = unchanged, 1 = replaced).
const CHANGE_TINT = 0.3;

/**
 * The palette a tile renders with. A changed tile (version other than the base one) gets its colours
 * tinted toward a colour derived from the version, so it has new bytes but still looks like a map.
 */
export function paletteFor(style: TileStyleName, version: string): TilePalette {
  const base = TILE_STYLES[style];
  if (version === '') return base;
  const tint = createHash('sha256').update(version).digest();
  return {
    sea: mixColour(base.sea, tint, CHANGE_TINT),
    land: mixColour(base.land, tint, CHANGE_TINT),
    border: mixColour(base.border, tint, CHANGE_TINT),
  };
}

function mixColour(hex: string, tint: Buffer, share: number): string {
  const channels = [1, 3, 5].map((offset, index) => {
    const own = parseInt(hex.slice(offset, offset + 2), 16);
    return Math.round(own * (1 - share) + tint[index] * share);
  });
  return `#${channels.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}
