import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { findRepoRoot } from '../sources/findRepoRoot.js';

/**
 * `tickflow services up|down|status [names]`: runs the repository's scripts/services.mjs (local
 * Kafka, Cassandra, schema registry, NATS, Redis, PostgreSQL, Prometheus without Docker).
 * @param ctx - command context (extra words are server names)
 * @param action - up, down or status
 * @returns when the script has finished
 * @throws Error when the script is missing (outside the repository) or fails
 * @example
 * ```ts
 * await services(ctx, 'up'); // tickflow services up kafka cassandra
 * ```
 */
export async function services(ctx: CommandContext, action: 'up' | 'down' | 'status'): Promise<void> {
  const root = findRepoRoot();
  const script = root ? join(root, 'scripts', 'services.mjs') : undefined;
  if (!script || !existsSync(script)) throw new Error('scripts/services.mjs not found: `tickflow services` runs inside the tickflow repository (with Docker, use examples/reference-app/docker-compose.yml)');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [script, action, ...ctx.rest], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`services ${action} failed (exit ${code})`);
}
