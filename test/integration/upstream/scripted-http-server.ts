import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A tiny loopback HTTP server for cases the fixture tile server does not cover; counts requests in flight. */
export class ScriptedHttpServer {
  readonly received: { path: string; headers: IncomingHttpHeaders }[] = [];
  inFlight = 0;
  peakInFlight = 0;
  private server: Server | undefined;
  private port = 0;

  constructor(private handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  handle(handler: Handler): void {
    this.handler = handler;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.received.push({ path: request.url ?? '/', headers: request.headers });
      this.inFlight += 1;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      response.once('close', () => {
        this.inFlight -= 1;
      });
      this.handler(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  reset(): void {
    this.received.length = 0;
    this.peakInFlight = 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

export const PNG_BODY = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 7),
]);

export function sendPng(response: ServerResponse, delayMs = 0): void {
  const send = () => {
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG_BODY.length });
    response.end(PNG_BODY);
  };
  if (delayMs > 0) setTimeout(send, delayMs);
  else send();
}
