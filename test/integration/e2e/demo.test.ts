/**
 * `npm start` on a machine with no servers and no API key: the offline demo prints bars within
 * 10 seconds, and Ctrl-C (SIGINT to the terminal's process group) ends it with exit code 0.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/** The node process running the demo under `npm start` (npm → sh → node). */
function demoPid(npmPid: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const descendants = new Set([npmPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (descendants.has(r.ppid) && !descendants.has(r.pid)) {
        descendants.add(r.pid);
        grew = true;
      }
    }
  }
  const demo = rows.find((r) => descendants.has(r.pid) && r.args.includes('tickflow.mjs demo') && !r.args.startsWith('sh '));
  if (!demo) throw new Error('demo process not found under npm start');
  return demo.pid;
}

describe('npm start (the offline demo)', () => {
  it('prints bars within 10 s with no servers and no key, and exits 0 on SIGINT', async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TICKFLOW_METRICS_PORT: '0' };
    // Process group of its own, like a terminal: SIGINT reaches npm and the demo, as Ctrl-C does.
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const t0 = Date.now();
    let out = '';
    let firstBarMs: number | undefined;
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve) => {
      const check = () => {
        if (firstBarMs === undefined && /^bar (5m|1h) /m.test(out)) {
          firstBarMs = Date.now() - t0;
          resolve();
        }
      };
      child.stdout!.on('data', (d) => {
        out += d;
        check();
      });
      child.stderr!.on('data', (d) => (out += d));
      setTimeout(resolve, 30_000);
    });
    // Ctrl-C: SIGINT to the demo (npm's own reaction to SIGINT is npm's business); npm then exits
    // with the demo's exit code.
    process.kill(demoPid(child.pid!), 'SIGINT');
    const code = await exit;
    expect(firstBarMs, out).toBeDefined();
    expect(firstBarMs!, `first bar after ${firstBarMs} ms\n${out}`).toBeLessThan(10_000);
    expect(out).toMatch(/^tickflow demo — /m);
    expect(out).toMatch(/bars 5m \d+/);
    expect(code, out).toBe(0);
    // the bar printed is a real OHLCV line
    const bar = out.match(/^bar 5m\s+(\S+)\s+\S+ \S+\s+O ([\d.]+) H ([\d.]+) L ([\d.]+) C ([\d.]+)\s+V ([\d.]+)\s+n (\d+)/m);
    expect(bar).not.toBeNull();
    const [o, h, l, c] = bar!.slice(2, 6).map(Number) as [number, number, number, number];
    expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
    expect(l).toBeLessThanOrEqual(Math.min(o, c));
  }, 60_000);
});
