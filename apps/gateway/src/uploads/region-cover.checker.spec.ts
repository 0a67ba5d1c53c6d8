import type { Polygon } from 'geojson';
import { DomainError } from '@map-offline/contracts';
import { bboxToGeometry, planCover, TileCoord } from '@map-offline/geo';
import { assertInsideCover } from './region-cover.checker';
import { TileUploadCandidate } from './tile-upload-candidate';

const TRIANGLE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [10, 40],
      [14, 40],
      [10, 44],
      [10, 40],
    ],
  ],
};
const ZOOMS = { minZoom: 6, maxZoom: 10 };

function candidates(tiles: TileCoord[]): TileUploadCandidate[] {
  return tiles.map((tile, index) => ({
    index,
    ...tile,
    sha256: 'a'.repeat(64),
    size: 1,
    contentType: 'image/png',
  }));
}

function fieldOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.details.field;
    throw error;
  }
}

describe('assertInsideCover', () => {
  const plan = planCover(TRIANGLE, ZOOMS);
  const cover = [...plan.tiles()];
  const coverKeys = new Set(cover.map((tile) => `${tile.z}/${tile.x}/${tile.y}`));
  const bboxTiles = [...planCover(bboxToGeometry([10, 40, 14, 44]), ZOOMS).tiles()];
  const outside = bboxTiles.filter((tile) => !coverKeys.has(`${tile.z}/${tile.x}/${tile.y}`));

  it('accepts every tile of the cover at every zoom, in any order', () => {
    expect(() => assertInsideCover(plan, candidates([...cover].reverse()))).not.toThrow();
  });

  it('refuses each tile of the bounding box that is not in the exact cover', () => {
    expect(outside.length).toBeGreaterThan(10);
    for (const tile of outside) {
      expect(fieldOf(() => assertInsideCover(plan, candidates([cover[0], tile])))).toBe('tiles[1]');
    }
  });

  it('refuses the neighbours just past the cover edge', () => {
    const zoom = ZOOMS.maxZoom;
    const atZoom = cover.filter((tile) => tile.z === zoom);
    const xs = atZoom.map((tile) => tile.x);
    const ys = atZoom.map((tile) => tile.y);
    const beyond: TileCoord[] = [
      { z: zoom, x: Math.min(...xs) - 1, y: ys[0] },
      { z: zoom, x: atZoom[0].x, y: Math.min(...ys) - 1 },
      { z: zoom, x: atZoom[0].x, y: Math.max(...ys) + 1 },
    ];
    for (const tile of beyond) {
      expect(fieldOf(() => assertInsideCover(plan, candidates([tile])))).toBe('tiles[0]');
    }
  });
});
