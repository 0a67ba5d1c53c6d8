import { createHash } from 'node:crypto';
import { DemoApi } from './demo-api';

interface BuiltPackage {
  id: string;
  format: string;
  state: string;
  tileCount: number;
  sizeBytes: number | null;
  sha256: string | null;
  stableDownloadUrl: string;
  applink: string | null;
  failureReason: string | null;
}

const FORMATS = ['MBTILES', 'PMTILES', 'CYBERTRACKER_ZIP'] as const;

/** One package of each format from the demo's city region; each is downloaded back and its SHA-256 checked. */
export async function runPackageDemo(
  api: DemoApi,
  regionIds: string[],
  log: (line: string) => void,
): Promise<void> {
  for (const format of FORMATS) {
    const { buildPackage: job } = await api.call<{ buildPackage: { id: string; subjectId: string } }>(
      `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id subjectId } }`,
      {
        input: {
          name: `Nairobi ${format.toLowerCase().replace('_', ' ')}`,
          format,
          regionIds,
          language: 'en',
          layers:
            format === 'CYBERTRACKER_ZIP'
              ? [
                  {
                    name: 'Rally points',
                    geojson: RALLY_POINTS,
                    symbol: { 'marker-style': 'circle', 'marker-color': '#ff0000' },
                  },
                ]
              : [],
        },
      },
    );
    const built = await waitForPackage(api, job.subjectId);
    if (built.state !== 'READY')
      throw new Error(`${format} package ended ${built.state}: ${built.failureReason ?? ''}`);
    const response = await fetch(built.stableDownloadUrl, { redirect: 'follow' });
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== built.sha256)
      throw new Error(`${format}: the download does not match the recorded SHA-256`);
    log(
      `${format}: ${built.tileCount} tiles, ${bytes.length} bytes, sha256 ${digest.slice(0, 16)}... verified by download`,
    );
    log(`  stable link: ${built.stableDownloadUrl.replace(/token=[^&]+/, 'token=…')}`);
    if (built.applink) log(`  CyberTracker applink (also as a QR code): ${built.applink.slice(0, 70)}…`);
  }
}

async function waitForPackage(api: DemoApi, id: string): Promise<BuiltPackage> {
  // milliseconds: the demo packages take seconds; give up after three minutes
  const deadline = Date.now() + 3 * 60_000;
  for (;;) {
    const { package: built } = await api.call<{ package: BuiltPackage }>(
      `query ($id: ID!) { package(id: $id) { id format state tileCount sizeBytes sha256 stableDownloadUrl applink failureReason } }`,
      { id },
    );
    if (['READY', 'FAILED', 'CANCELLED'].includes(built.state)) return built;
    if (Date.now() > deadline) throw new Error(`package ${id} still ${built.state} after 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const RALLY_POINTS = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'North gate' },
      geometry: { type: 'Point', coordinates: [36.82, -1.26] },
    },
    {
      type: 'Feature',
      properties: { name: 'River camp' },
      geometry: { type: 'Point', coordinates: [36.86, -1.3] },
    },
  ],
};
