import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A route added to the ops server (e.g. `/api/bars` by the live chart page). */
export type OpsRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** Address to bind (default `0.0.0.0`). */
  host?: string;
  /** Port; 0 picks a free one (default 9464). */
  port?: number;
  /** prom-client registry served at `/metrics`. */
  registry: Registry;
  /** Readiness: `true` when ready, otherwise a reason (served by `/readyz` with status 503). */
  ready?: () => true | string;
}

/** A running ops server. */
export interface OpsServer {
  /** The port it listens on. */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /**
   * Serves `path` (exact match, GET) with `handler`; later pages (the live chart, `/api/bars`) plug in here.
   * @param path - e.g. `/api/bars`
   * @param handler - request handler
   */
  route(path: string, handler: OpsRoute): void;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server that ops tools talk to: `/metrics` (Prometheus text format), `/healthz`
 * (the process runs: always 200) and `/readyz` (200 once the pipeline is connected, 503 with the
 * reason before). Further routes can be added with {@link OpsServer.route}.
 *
 * @param options - address, registry and readiness check
 * @returns the running server
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * const ops = await startOpsServer({ port: 0, registry: new Registry(), ready: () => true });
 * await fetch(`${ops.url}/healthz`); // 200 ok
 * await ops.close();
 * ```
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const routes = new Map<string, OpsRoute>();
  const { registry } = options;
  const ready = options.ready ?? (() => true);

  routes.set('/metrics', async (_req, res) => {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  });
  routes.set('/healthz', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  routes.set('/readyz', (_req, res) => {
    const r = ready();
    res.writeHead(r === true ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(r === true ? 'ready\n' : `not ready: ${r}\n`);
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = routes.get(url.pathname);
    if (!handler || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(handler ? 405 : 404, { 'content-type': 'text/plain' });
      res.end(handler ? 'method not allowed\n' : `not found; try /metrics, /healthz, /readyz\n`);
      return;
    }
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${(error as Error).message}\n`);
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9464, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
