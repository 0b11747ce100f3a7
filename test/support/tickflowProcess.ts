import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'examples', 'reference-app', 'bin', 'tickflow.mjs');

/** A `tickflow` CLI child process (the reference app's bin), its output captured. */
export interface TickflowProcess {
  proc: ChildProcess;
  /** The metrics port it was given (0 when none or any). */
  port: number;
  /** Its stdout and stderr so far, interleaved. */
  output: () => string;
  /** Its exit code; -1 when a signal ended it. */
  exit: Promise<number | null>;
  exited: boolean;
  /** Highest resident set size seen (sampled every 250 ms from /proc). */
  peakRssMiB: number;
}

/** How {@link startTickflow} runs the child. */
export interface TickflowOptions {
  /** Sets TICKFLOW_METRICS_PORT (0: any free port); unset, the environment's value stands. */
  metricsPort?: number;
  /** Past this many characters of output, the older half is dropped (default: everything is kept). */
  maxOutputChars?: number;
}

/** Spawns `node examples/reference-app/bin/tickflow.mjs ...args` from the repository root with exactly `env`. */
export function startTickflow(args: string[], env: Record<string, string>, opts: TickflowOptions = {}): TickflowProcess {
  const childEnv = opts.metricsPort === undefined ? env : { ...env, TICKFLOW_METRICS_PORT: String(opts.metricsPort) };
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (opts.maxOutputChars !== undefined && out.length > opts.maxOutputChars) out = out.slice(-Math.floor(opts.maxOutputChars / 2));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const child: TickflowProcess = { proc, port: opts.metricsPort ?? 0, output: () => out, exit: Promise.resolve(null), exited: false, peakRssMiB: 0 };
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) child.peakRssMiB = Math.max(child.peakRssMiB, Number(m[1]) / 1024);
    } catch {}
  }, 250);
  child.exit = new Promise((r) =>
    proc.on('exit', (code, signal) => {
      clearInterval(timer);
      child.exited = true;
      r(code ?? (signal ? -1 : null));
    }),
  );
  return child;
}

/** Runs a `tickflow` command to its end; resolves with its output, or throws with the exit code and the output. */
export async function runTickflow(args: string[], env: Record<string, string>, opts: TickflowOptions = {}): Promise<string> {
  const c = startTickflow(args, env, opts);
  const code = await c.exit;
  if (code !== 0) throw new Error(`tickflow ${args.join(' ')} exited ${code}:\n${c.output()}`);
  return c.output();
}

/** Stops a child gracefully: SIGINT, then SIGKILL after `killAfterMs`; resolves with its exit code. */
export async function stopTickflow(c: TickflowProcess, killAfterMs = 30_000): Promise<number | null> {
  if (c.exited) return c.exit;
  c.proc.kill('SIGINT');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), killAfterMs);
  const code = await c.exit;
  clearTimeout(t);
  return code;
}
