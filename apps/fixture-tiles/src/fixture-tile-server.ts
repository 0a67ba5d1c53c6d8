import { createServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isValidTile, TileCoord } from '@map-offline/geo';
import { FaultInjector } from './fault-injector';
import { FaultSettings, FaultSettingsInput } from './fault-settings.schema';
import { LruTileCache } from './lru-tile.cache';
import { prerenderTiles, PrerenderOptions } from './prerender';
import { RasterTileRenderer } from './raster-tile.renderer';
import { FixtureTileStats, RequestStats } from './request-stats';
import { TileChanges, TileSelection } from './tile-changes';
import { TileCoverageClassifier } from './tile-coverage.classifier';
import { parseTilePath, TileRequest } from './tile-request.parser';
import { TileEntry, TileStore, TileWanted } from './tile-store';
import { isTileStyleName, TILE_STYLES } from './tile-style';
import { VectorTileRenderer } from './vector-tile.renderer';
import { handleControlRequest } from './control-routes';
import { loadWorldGeometry, WorldResolution } from './world-geometry.loader';
import { WorldVectorSource } from './world-vector.source';

export interface FixtureTileServerOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  /** default 127.0.0.1; keep it on loopback */
  host?: string;
  /** zooms outside [minZoom, maxZoom] answer 404; defaults 0 and 19 */
  minZoom?: number;
  maxZoom?: number;
  /** Natural Earth detail, default '50m' */
  resolution?: WorldResolution;
  /** bytes of rendered tiles kept in memory, default 256 MiB */
  cacheMaxBytes?: number;
  /** entries kept in memory, default 1,000,000 */
  cacheMaxEntries?: number;
  /** default 'public, max-age=86400' */
  cacheControl?: string;
  faults?: FaultSettingsInput;
  /** renders these tiles before the server listens */
  prerender?: PrerenderOptions;
}

/** URL templates for this server, in the {z}/{x}/{y}/{-y}/{quadkey} notation tile sources use. */
export interface FixtureTileTemplates {
  png: string;
  mvt: string;
  tms: string;
  quadkey: string;
}

export interface FixtureTileServer {
  /** e.g. http://127.0.0.1:4200 (no trailing slash) */
  url: string;
  port: number;
  /** templates for the `basic` style */
  templates: FixtureTileTemplates;
  styles: string[];
  stats(): FixtureTileStats;
  resetStats(): void;
  /** Requests for one tile (any style, format or scheme) since start or resetStats. */
  tileRequestCount(tile: TileCoord): number;
  /** Replaces all fault settings; {} turns faults off. Throws (zod) on invalid settings. */
  setFaults(faults: FaultSettingsInput): FaultSettings;
  faults(): FaultSettings;
  /** Makes the selected tiles render differently from now on (new bytes and ETag). */
  changeTiles(selection: TileSelection, version: string | number): void;
  /** Undoes every changeTiles. */
  clearChanges(): void;
  /** milliseconds the prerender took (0 without prerender) */
  prerenderMs: number;
  close(): Promise<void>;
}

const HTML_ERROR_PAGE = Buffer.from(
  '<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title></head>' +
    '<body><h1>Service temporarily unavailable</h1><p>The map service is under maintenance. ' +
    'Please try again later.</p></body></html>\n',
);
const NOT_FOUND_BODY = Buffer.from('Not Found\n');
const HTML_HEADERS = [
  'Content-Type',
  'text/html; charset=utf-8',
  'Content-Length',
  String(HTML_ERROR_PAGE.length),
];

/**
 * Starts a stand-in upstream tile server on loopback: real-looking PNG and MVT tiles of the whole
 * world (Natural Earth from world-atlas), ETag/304, and injectable latency and failures.
 */
export async function startFixtureTileServer(
  options: FixtureTileServerOptions = {},
): Promise<FixtureTileServer> {
  const host = options.host ?? '127.0.0.1';
  const minZoom = options.minZoom ?? 0;
  const maxZoom = options.maxZoom ?? 19;
  const cacheControl = options.cacheControl ?? 'public, max-age=86400';
  const { classifier, source } = worldIndexes(options.resolution ?? '50m');
  const store = new TileStore(
    classifier,
    new RasterTileRenderer(source),
    new VectorTileRenderer(source),
    new LruTileCache<TileEntry>(
      options.cacheMaxBytes ?? 256 * 1024 * 1024,
      options.cacheMaxEntries ?? 1_000_000,
    ),
    cacheControl,
  );
  const faults = new FaultInjector(options.faults ?? {});
  const changes = new TileChanges();
  const stats = new RequestStats();
  const pendingTimers = new Set<NodeJS.Timeout>();

  const prerenderStarted = Date.now();
  if (options.prerender) await prerenderTiles(store, options.prerender, { minZoom, maxZoom });
  const prerenderMs = options.prerender ? Date.now() - prerenderStarted : 0;

  const send = (
    response: ServerResponse,
    status: number,
    headers: string[],
    body: Buffer | undefined,
  ): void => {
    const bodyBytes = body === undefined || response.req.method === 'HEAD' ? 0 : body.length;
    stats.count(status, bodyBytes);
    response.writeHead(status, headers);
    response.end(body);
  };

  const sendEntry = (
    request: IncomingMessage,
    response: ServerResponse,
    entry: TileEntry,
    fromCache: boolean,
  ): void => {
    if (fromCache) stats.cacheHits += 1;
    const ifNoneMatch = ifNoneMatchOf(request);
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, entry.etag)) {
      send(response, 304, entry.notModifiedHeaders, undefined);
      return;
    }
    send(response, 200, entry.headers, entry.body);
  };

  /** Decides at arrival (validity, fault), answers after the injected latency. */
  const serveTile = (
    request: IncomingMessage,
    response: ServerResponse,
    url: string,
    wanted: TileRequest,
  ): void => {
    const { tile, style } = wanted;
    if (!isTileStyleName(style) || !isValidTile(tile) || tile.z < minZoom || tile.z > maxZoom) {
      respondLater(faults.delayFor(url), () =>
        send(response, 404, textHeaders(NOT_FOUND_BODY), NOT_FOUND_BODY),
      );
      return;
    }
    stats.countTile(tile);
    const outcome = faults.outcomeFor(url, tile);
    const delayMs = faults.delayFor(url);
    if (outcome.kind === 'error') {
      const body = Buffer.from(`${STATUS_CODES[outcome.status] ?? 'Error'}\n`);
      const headers = textHeaders(body);
      if (outcome.retryAfterSeconds !== undefined)
        headers.push('Retry-After', String(outcome.retryAfterSeconds));
      respondLater(delayMs, () => send(response, outcome.status, headers, body));
      return;
    }
    if (outcome.kind === 'html') {
      respondLater(delayMs, () => send(response, 200, HTML_HEADERS, HTML_ERROR_PAGE));
      return;
    }
    const tileWanted = { style, format: wanted.format, tile, version: changes.versionOf(tile) };
    // The common case (no latency) answers here, without allocating a closure per request.
    if (delayMs <= 0) answerTile(request, response, tileWanted);
    else respondLater(delayMs, () => answerTile(request, response, tileWanted));
  };

  const answerTile = (request: IncomingMessage, response: ServerResponse, tileWanted: TileWanted): void => {
    const key = store.keyOf(tileWanted);
    const cached = store.cached(key);
    if (cached) {
      sendEntry(request, response, cached, true);
      return;
    }
    store.load(key, tileWanted).then(
      (entry) => sendEntry(request, response, entry, false),
      (error: unknown) => {
        // A render failure is a bug in this fixture, not an injected fault: say so in the body.
        const body = Buffer.from(
          `render failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        send(response, 500, textHeaders(body), body);
      },
    );
  };

  // Timers are tracked so that close() does not wait for delayed answers. Node starts a timer from the
  // event loop's cached clock (whole milliseconds, taken before this request's callback ran), so it can
  // fire up to about a millisecond early; a timer that fires before the due time waits again, so the
  // injected latency is a floor, as tests and clients measuring it expect.
  const respondLater = (delayMs: number, respond: () => void): void => {
    if (delayMs <= 0) {
      respond();
      return;
    }
    const dueAt = performance.now() + delayMs;
    const wait = (waitMs: number): void => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        const remainingMs = dueAt - performance.now();
        if (remainingMs > 0) wait(remainingMs);
        else respond();
      }, Math.ceil(waitMs));
      pendingTimers.add(timer);
    };
    wait(delayMs);
  };

  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/__')) {
      handleControlRequest(request, response, url, {
        stats: () => snapshot(),
        resetStats: () => stats.reset(),
        setFaults: (input) => faults.set(input),
        faults: () => faults.current(),
        changeTiles: (tiles, version) => changes.change(tiles, version),
        clearChanges: () => changes.clear(),
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, ['Allow', 'GET, HEAD', 'Content-Length', '0'], undefined);
      return;
    }
    const wanted = parseTilePath(url);
    if (!wanted) {
      respondLater(faults.delayFor(url), () =>
        send(response, 404, textHeaders(NOT_FOUND_BODY), NOT_FOUND_BODY),
      );
      return;
    }
    serveTile(request, response, url, wanted);
  });

  const snapshot = (): FixtureTileStats => ({
    requests: stats.requests,
    byStatus: stats.statusCounts(),
    bytesSent: stats.bytesSent,
    rendered: store.rendered,
    cacheHits: stats.cacheHits,
    cacheEntries: store.cacheEntries,
    cacheBytes: store.cacheBytes,
  });

  // Clients keep connections open between tiles; outlive their usual 60 s idle time (milliseconds).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  return {
    url,
    port,
    templates: {
      png: `${url}/basic/{z}/{x}/{y}.png`,
      mvt: `${url}/basic/{z}/{x}/{y}.mvt`,
      tms: `${url}/tms/basic/{z}/{x}/{-y}.png`,
      quadkey: `${url}/basic/{quadkey}.png`,
    },
    styles: Object.keys(TILE_STYLES),
    stats: snapshot,
    resetStats: () => stats.reset(),
    tileRequestCount: (tile) => stats.tileRequests(tile),
    setFaults: (input) => faults.set(input),
    faults: () => faults.current(),
    changeTiles: (selection, version) => changes.change(selection, version),
    clearChanges: () => changes.clear(),
    prerenderMs,
    close: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The If-None-Match value, read from rawHeaders: `request.headers` is built lazily on first use (an
 * object with every header, names lower-cased), which costs a tile answered from memory a measurable share.
 */
function ifNoneMatchOf(request: IncomingMessage): string | undefined {
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index];
    if (name.length === 13 && name.toLowerCase() === 'if-none-match') return raw[index + 1];
  }
  return undefined;
}

// Indexes are pure and take ~1 s to build for 1:50m, so servers in one process (test files) share them.
const indexesByResolution = new Map<
  WorldResolution,
  { classifier: TileCoverageClassifier; source: WorldVectorSource }
>();

function worldIndexes(resolution: WorldResolution): {
  classifier: TileCoverageClassifier;
  source: WorldVectorSource;
} {
  let indexes = indexesByResolution.get(resolution);
  if (!indexes) {
    const world = loadWorldGeometry(resolution);
    indexes = { classifier: TileCoverageClassifier.fromWorld(world), source: new WorldVectorSource(world) };
    indexesByResolution.set(resolution, indexes);
  }
  return indexes;
}

function textHeaders(body: Buffer): string[] {
  return ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(body.length)];
}

/** If-None-Match: "*" or a comma-separated list; a weak validator (W/"...") matches too (RFC 9110 13.1.2). */
export function etagMatches(header: string, etag: string): boolean {
  if (header === etag) return true;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  return trimmed.split(',').some((candidate) => {
    const value = candidate.trim();
    return (value.startsWith('W/') ? value.slice(2) : value) === etag;
  });
}
