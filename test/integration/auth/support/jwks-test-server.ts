import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * A stand-in identity provider JWKS endpoint on 127.0.0.1 (port chosen by the OS). It counts every
 * request so a test can bound how often the verifier asks, and can answer with an error status.
 */
export class JwksTestServer {
  private readonly server: Server;
  private keys: JWK[] = [];
  private failureStatus: number | undefined;
  private requests = 0;

  constructor() {
    this.server = createServer((request, response) => this.handle(request, response));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  get requestCount(): number {
    return this.requests;
  }

  setKeys(keys: JWK[]): void {
    this.keys = keys;
  }

  /** Answer every request with this HTTP status (undefined: serve the keys again). */
  failWith(status: number | undefined): void {
    this.failureStatus = status;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests += 1;
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    if (this.failureStatus !== undefined) {
      response.writeHead(this.failureStatus, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  }
}
