import { eventually, GraphqlClient } from '@map-offline/testing';

export interface PackageView {
  id: string;
  name: string;
  packageId: string;
  version: string;
  revision: number;
  language: string | null;
  format: string;
  state: string;
  sourceId: string | null;
  regionIds: string[];
  tileFormat: string | null;
  minZoom: number | null;
  maxZoom: number | null;
  bounds: number[] | null;
  tileCount: number;
  uniqueTileCount: number;
  sizeBytes: number | null;
  sha256: string | null;
  fileName: string;
  errors: { layer: string; kind: string; message: string }[];
  failureReason: string | null;
  jobId: string | null;
  downloadUrl: string | null;
  stableDownloadUrl: string;
  applink: string | null;
  smartApplink: string | null;
}

export const PACKAGE_FIELDS = `id name packageId version revision language format state sourceId regionIds tileFormat
  minZoom maxZoom bounds tileCount uniqueTileCount sizeBytes sha256 fileName errors { layer kind message }
  failureReason jobId downloadUrl stableDownloadUrl applink smartApplink: applink(app: SMART)`;

export const FINAL_PACKAGE_STATES = ['READY', 'FAILED', 'CANCELLED'];

export async function buildPackage(
  api: GraphqlClient,
  input: Record<string, unknown>,
): Promise<{ jobId: string; packageId: string }> {
  const data = await api.data<{ buildPackage: { id: string; subjectId: string } }>(
    `mutation ($input: BuildPackageInput!) { buildPackage(input: $input) { id subjectId } }`,
    { input },
  );
  return { jobId: data.buildPackage.id, packageId: data.buildPackage.subjectId };
}

export async function getPackage(api: GraphqlClient, id: string): Promise<PackageView> {
  const data = await api.data<{ package: PackageView }>(
    `query ($id: ID!) { package(id: $id) { ${PACKAGE_FIELDS} } }`,
    {
      id,
    },
  );
  return data.package;
}

export async function waitForPackage(
  api: GraphqlClient,
  id: string,
  timeoutMs = 120_000,
): Promise<PackageView> {
  let last: PackageView | undefined;
  try {
    return await eventually(
      async () => {
        last = await getPackage(api, id);
        return FINAL_PACKAGE_STATES.includes(last.state) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; package ${id} last seen ${JSON.stringify(last)}`);
  }
}

export async function qrCodeOf(
  api: GraphqlClient,
  id: string,
  app: 'CYBERTRACKER' | 'SMART',
): Promise<Buffer> {
  const data = await api.data<{ package: { qrCodePng: string } }>(
    `query ($id: ID!, $app: ApplinkApp!) { package(id: $id) { qrCodePng(app: $app) } }`,
    { id, app },
  );
  return Buffer.from(data.package.qrCodePng, 'base64');
}
