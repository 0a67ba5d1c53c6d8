import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { Readiness } from './readiness';

export interface HealthServerOptions {
  host: string;
  port: number;
  readiness: Readiness;
  registry: Registry;
}

export interface RunningHealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The small HTTP port every worker serves (workers have no GraphQL): /healthz (the process answers),
 * /readyz (dependencies reachable and not draining), /metrics (Prometheus text format).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const server = createServer((request, response) => {
    void handleHealthRequest(request, response, options);
  });
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export async function handleHealthRequest(
  request: IncomingMessage,
  response: ServerResponse,
  options: Pick<HealthServerOptions, 'readiness' | 'registry'>,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  try {
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      const report = await options.readiness.report();
      return send(response, report.ready ? 200 : 503, 'application/json', JSON.stringify(report));
    }
    if (path === '/metrics') {
      return send(response, 200, options.registry.contentType, await options.registry.metrics());
    }
    return send(response, 404, 'text/plain', 'not found\n');
  } catch (error) {
    return send(response, 500, 'text/plain', `${error instanceof Error ? error.message : 'error'}\n`);
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
