import { sleep } from './sleep.js';

/** How {@link until} polls and what its timeout error shows. */
export interface UntilOptions {
  /** Pause between two polls, ms (default 250). Checks that compare two polls ("settled") depend on it. */
  everyMs?: number;
  /** Appended to the timeout error: a child's output, a log (e.g. `child.output`). */
  output?: () => string;
  /** Only the last this many characters of `output` (default: all of it). */
  outputTail?: number;
}

/**
 * Polls `poll` until it returns something other than `undefined` or `false`, and returns that. A
 * thrown error counts as "not yet"; past `timeoutMs` it throws `timed out waiting for <what>`, with
 * the last error's message and the output of {@link UntilOptions.output}.
 */
export async function until<T>(what: string, poll: () => Promise<T | undefined | false>, timeoutMs: number, opts: UntilOptions = {}): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await poll();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) {
      const output = opts.output?.();
      const shown = output === undefined ? '' : `\n${opts.outputTail === undefined ? output : output.slice(-opts.outputTail)}`;
      throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ''}${shown}`);
    }
    await sleep(opts.everyMs ?? 250);
  }
}
