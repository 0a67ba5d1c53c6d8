import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { TileCoord } from '@map-offline/geo';
import { FaultSettings, FaultSettingsInput } from './fault-settings.schema';
import { FixtureTileStats } from './request-stats';

/** What the control routes may do to a running server. */
export interface ControlActions {
  stats(): FixtureTileStats;
  resetStats(): void;
  setFaults(input: FaultSettingsInput): FaultSettings;
  faults(): FaultSettings;
  changeTiles(tiles: TileCoord[], version: string): void;
  clearChanges(): void;
}

// bytes; fault settings and change lists are small JSON documents
const MAX_BODY_BYTES = 1024 * 1024;

const changeBodySchema = z.object({
  tiles: z
    .array(z.object({ z: z.number().int().min(0), x: z.number().int().min(0), y: z.number().int().min(0) }))
    .min(1),
  version: z.union([z.string().min(1), z.number()]).transform(String),
});

/**
 * Out-of-process control (demo, bench, other processes):
 *   GET  /__health            200 "ok"
 *   GET  /__stats             counters as JSON
 *   POST /__reset             zero the counters
 *   GET  /__faults            current fault settings
 *   POST /__faults            replace fault settings (JSON body, same shape as setFaults)
 *   POST /__changes           {"tiles":[{z,x,y}],"version":"2"}: as changeTiles
 *   POST /__changes/clear     undo every change
 */
export function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: string,
  actions: ControlActions,
): void {
  const path = url.split('?')[0];
  const route = `${request.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /__health':
      sendJson(response, 200, { status: 'ok' });
      return;
    case 'GET /__stats':
      sendJson(response, 200, actions.stats());
      return;
    case 'POST /__reset':
      actions.resetStats();
      sendJson(response, 200, actions.stats());
      return;
    case 'GET /__faults':
      sendJson(response, 200, actions.faults());
      return;
    case 'POST /__faults':
      withJsonBody(request, response, (body) =>
        sendJson(response, 200, actions.setFaults(body as FaultSettingsInput)),
      );
      return;
    case 'POST /__changes':
      withJsonBody(request, response, (body) => {
        const change = changeBodySchema.parse(body);
        actions.changeTiles(change.tiles, change.version);
        sendJson(response, 200, { changed: change.tiles.length, version: change.version });
      });
      return;
    case 'POST /__changes/clear':
      actions.clearChanges();
      sendJson(response, 200, { cleared: true });
      return;
    default:
      sendJson(response, 404, { error: `no control route ${route}` });
  }
}

function withJsonBody(
  request: IncomingMessage,
  response: ServerResponse,
  use: (body: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      sendJson(response, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (response.headersSent) return;
    let body: unknown;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      sendJson(response, 400, { error: 'body is not JSON' });
      return;
    }
    try {
      use(body);
    } catch (error) {
      // Invalid settings are the caller's mistake: answer 400 with zod's field messages. Anything else
      // is a bug here; answer 500 rather than throw from an event handler, which would end the process.
      if (error instanceof z.ZodError)
        sendJson(response, 400, { error: 'invalid body', issues: error.issues });
      else sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  response.writeHead(status, ['Content-Type', 'application/json', 'Content-Length', String(body.length)]);
  response.end(body);
}
