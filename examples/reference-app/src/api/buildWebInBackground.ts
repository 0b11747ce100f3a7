import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WEB_ROOT } from './serveWeb.js';

const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the dashboard page (`vite build`) in a child process when its assets are missing, so
 * `npm install && npm start` shows the page without a separate build step. The demo does not
 * wait: the terminal summary starts at once and the page appears on `/` when the build is done
 * (`serveWeb` re-scans the folder when `/` is loaded).
 *
 * @param log - where to say what happened
 * @param root - the build output folder
 * @returns the child process, or undefined when nothing had to be built
 * @example
 * ```ts
 * buildWebInBackground((line) => console.log(line));
 * ```
 */
export function buildWebInBackground(log: (line: string) => void, root: string = DEFAULT_WEB_ROOT) {
  if (existsSync(root) || process.env.TICKFLOW_NO_WEB_BUILD) return undefined;
  log('dashboard page not built yet: building it in the background (about 10 s), then reload the page');
  const child = spawn(process.execPath, [join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
    cwd: APP_ROOT,
    stdio: 'ignore',
  });
  child.on('error', (e) => log(`dashboard build could not start (${e.message}); run: npm run build -w @tickflow/reference-app`));
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) log(`dashboard build failed (exit ${code}); run: npm run build -w @tickflow/reference-app`);
  });
  child.unref();
  return child;
}
