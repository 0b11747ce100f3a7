import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpsServer } from '../ops/startOpsServer.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Where `vite build` writes the dashboard (examples/reference-app/dist/web). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const NOT_BUILT = (root: string) => `<!doctype html><meta charset="utf-8"><title>tickflow dashboard not built</title>
<body style="font:16px system-ui;margin:3em;max-width:50em">
<h1>The dashboard is not built yet</h1>
<p>The page's assets are missing from <code>${root.replace(/[<>&]/g, '')}</code>. Build them with</p>
<pre>npm run build -w @tickflow/reference-app   # or: npm run build (at the repository root)</pre>
<p>then reload. The API works without them: <a href="/api/symbols">/api/symbols</a>, <a href="/api/health">/api/health</a>, <a href="/metrics">/metrics</a>.</p>`;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Serves the built dashboard (`vite build` output) on the ops server: `/` and `/index.html`, plus
 * every file under the build folder at its path (re-scanned when `/` is loaded, so a rebuild is
 * picked up). When the build is missing, `/` answers 503 with a page saying how to build it.
 *
 * @param ops - the server
 * @param root - the build folder (default {@link DEFAULT_WEB_ROOT})
 * @example
 * ```ts
 * serveWeb(ops); // GET / → the dashboard
 * ```
 */
export function serveWeb(ops: OpsServer, root: string = DEFAULT_WEB_ROOT): void {
  const registered = new Set<string>();
  const scan = () => {
    if (!existsSync(root)) return false;
    for (const file of listFiles(root)) {
      const path = `/${relative(root, file).split(sep).join('/')}`;
      if (registered.has(path) || path === '/index.html') continue;
      registered.add(path);
      ops.route(path, (_req, res) => {
        if (!existsSync(file)) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('asset gone (rebuilt?): reload the page\n');
          return;
        }
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
        res.end(readFileSync(file));
      });
    }
    return existsSync(join(root, 'index.html'));
  };
  const index = (_req: unknown, res: import('node:http').ServerResponse) => {
    if (!scan()) {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
      res.end(NOT_BUILT(root));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(readFileSync(join(root, 'index.html')));
  };
  scan();
  ops.route('/', index);
  ops.route('/index.html', index);
}
