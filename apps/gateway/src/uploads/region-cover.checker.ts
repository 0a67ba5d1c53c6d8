import { invalidInput } from '@map-offline/contracts';
import { CoverPlan } from '@map-offline/geo';
import { TileUploadCandidate, tileLabel } from './tile-upload-candidate';

/**
 * Fails the call on the first tile outside the region's exact cover (the tiles the seeder would fetch),
 * not merely outside its bounding box. One pass over each requested zoom's row runs, stopping after the
 * southernmost requested row, so the cost is the rows of the region, never its tile count.
 */
export function assertInsideCover(plan: CoverPlan, tiles: readonly TileUploadCandidate[]): void {
  const byZoom = new Map<number, Map<number, TileUploadCandidate[]>>();
  for (const tile of tiles) {
    let rows = byZoom.get(tile.z);
    if (!rows) byZoom.set(tile.z, (rows = new Map<number, TileUploadCandidate[]>()));
    const row = rows.get(tile.y);
    if (row) row.push(tile);
    else rows.set(tile.y, [tile]);
  }
  const inside = new Set<number>();
  for (const [zoom, rows] of byZoom) {
    const lastRow = Math.max(...rows.keys());
    for (const run of plan.runs(zoom)) {
      if (run.y > lastRow) break;
      for (const tile of rows.get(run.y) ?? []) {
        if (tile.x >= run.minX && tile.x <= run.maxX) inside.add(tile.index);
      }
    }
  }
  const outside = tiles.find((tile) => !inside.has(tile.index));
  if (outside) {
    throw invalidInput(`tiles[${outside.index}]`, `tile ${tileLabel(outside)} is outside the region's cover`);
  }
}
