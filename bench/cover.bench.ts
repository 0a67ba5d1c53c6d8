import { tiles as mapboxTileCover } from '@mapbox/tile-cover';
import { countCover, coverTiles } from '@map-offline/geo';
import { BenchDefinition } from './support/bench-definition';
import { loadCountry, positionCount } from './support/country-area';
import { measure, peakRssBytes } from './support/measure';
import {
  formatBytes,
  formatCount,
  formatMilliseconds,
  formatRate,
  formatRatio,
  printTable,
} from './support/table';

const ENUMERATION_ZOOMS = [10, 11, 12, 13, 14, 15, 16];
const COUNT_ONLY_ZOOMS = [18, 20, 24];
/** The zoom and speed-up the cover must reach against @mapbox/tile-cover. */
const TARGET = { zoom: 14, speedUp: 5 };

interface Side {
  tiles: number;
  medianMs: number;
}

/** Walk every tile of our cover, as the seeder's fan-out does; the count keeps the loop honest. */
function enumerateOurs(geometry: Parameters<typeof coverTiles>[0], zoom: number): number {
  let count = 0;
  for (const tile of coverTiles(geometry, zoom)) count += tile.z === zoom ? 1 : 0;
  return count;
}

export const bench: BenchDefinition = {
  description:
    'polygon tile cover of metropolitan France, ours vs @mapbox/tile-cover, z10..z16 (+ count-only)',
  defaultRuns: 5,
  async run({ runs }) {
    const france = loadCountry('France', [-6, 41, 10, 52]);
    console.log(
      `area: France metropolitan (world-atlas 50m), ${france.coordinates.length} polygons, ${positionCount(france)} positions\n`,
    );
    // Warm both up so the small zooms (about a millisecond each) do not pay for JIT compilation.
    for (let round = 0; round < 20; round += 1) {
      enumerateOurs(france, 10 + (round % 3));
      mapboxTileCover(france, { min_zoom: 10 + (round % 3), max_zoom: 10 + (round % 3) });
    }

    const ours = new Map<number, Side>();
    for (const zoom of ENUMERATION_ZOOMS) {
      const measured = await measure(runs, () => enumerateOurs(france, zoom));
      ours.set(zoom, { tiles: measured.result, medianMs: measured.medianMs });
    }
    const oursPeakRss = peakRssBytes();
    const theirs = new Map<number, Side>();
    for (const zoom of ENUMERATION_ZOOMS) {
      const measured = await measure(
        runs,
        () => mapboxTileCover(france, { min_zoom: zoom, max_zoom: zoom }).length,
      );
      theirs.set(zoom, { tiles: measured.result, medianMs: measured.medianMs });
    }
    const theirsPeakRss = peakRssBytes();

    printTable(
      [
        { header: 'zoom' },
        { header: 'ours tiles' },
        { header: 'ours ms' },
        { header: 'ours tiles/s' },
        { header: 'tile-cover tiles' },
        { header: 'tile-cover ms' },
        { header: 'tile-cover tiles/s' },
        { header: 'diff' },
        { header: 'speed-up' },
      ],
      ENUMERATION_ZOOMS.map((zoom) => {
        const our = ours.get(zoom) as Side;
        const their = theirs.get(zoom) as Side;
        return [
          `z${zoom}`,
          formatCount(our.tiles),
          formatMilliseconds(our.medianMs),
          formatRate(our.tiles, our.medianMs),
          formatCount(their.tiles),
          formatMilliseconds(their.medianMs),
          formatRate(their.tiles, their.medianMs),
          `${their.tiles >= our.tiles ? '+' : '-'}${formatCount(Math.abs(their.tiles - our.tiles))}`,
          formatRatio(their.medianMs, our.medianMs),
        ];
      }),
    );
    console.log(
      '\nspeed-up = tile-cover ms / ours ms. diff = tile-cover tiles - ours. The covers differ slightly by\n' +
        'design: tile-cover draws edges straight in Mercator tile space, ours draws them straight in lon/lat\n' +
        '(RFC 7946) and leaves out tiles that only touch the area.',
    );

    console.log('\ncount only (no tiles enumerated):');
    const counts: string[][] = [];
    for (const zoom of COUNT_ONLY_ZOOMS) {
      const measured = await measure(runs, () => countCover(france, zoom));
      counts.push([`z${zoom}`, formatCount(measured.result), formatMilliseconds(measured.medianMs)]);
    }
    printTable([{ header: 'zoom' }, { header: 'tiles' }, { header: 'ms' }], counts);

    console.log(
      `\npeak RSS of the process: ${formatBytes(oursPeakRss)} after ours (run first), ` +
        `${formatBytes(theirsPeakRss)} after tile-cover`,
    );
    const target = ours.get(TARGET.zoom) as Side;
    const speedUp = (theirs.get(TARGET.zoom) as Side).medianMs / target.medianMs;
    console.log(
      `target: at least ${TARGET.speedUp}x faster than tile-cover at z${TARGET.zoom}: ` +
        `${speedUp.toFixed(1)}x, ${speedUp >= TARGET.speedUp ? 'met' : 'MISSED'}`,
    );
  },
};
