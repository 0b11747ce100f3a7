import type { Measured } from './measure.js';
import { rate } from './rate.js';

/** Options of {@link compareRounds}. */
export interface CompareRoundsOptions {
  /** Items in all, split evenly over the rounds. */
  total: number;
  rounds: number;
  /** Odd rounds run ours first, so drift on a shared server hits both alike (default true). */
  alternate?: boolean;
  /** What one round's line calls the baseline and our code, and the unit counted (`'msg'`, `'rows'`, …). */
  labels: { baseline: string; ours: string; unit: string };
  /** Runs the baseline on `n` items, tagged `r<round>`. */
  baseline: (n: number, tag: string) => Promise<Measured>;
  /** Runs our code on `n` items, tagged `s<round>`. */
  ours: (n: number, tag: string) => Promise<Measured>;
}

/** Sums over the rounds of {@link compareRounds}. */
export interface CompareRoundsResult {
  /** Items per round, and in all (`per * rounds`). */
  per: number;
  total: number;
  baseline: Measured;
  ours: Measured;
  /** Each round's ratio, our rate / the baseline's. */
  ratios: number[];
}

/**
 * Runs the baseline and our code in rounds on the same number of items, printing each round's
 * rates and ratio.
 *
 * @param options - sizes, labels and the two contestants
 * @returns the summed times and the per-round ratios
 */
export async function compareRounds(options: CompareRoundsOptions): Promise<CompareRoundsResult> {
  const { rounds, labels } = options;
  const per = Math.ceil(options.total / rounds);
  const baseline: Measured = { ms: 0, cpuUs: 0 };
  const ours: Measured = { ms: 0, cpuUs: 0 };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const oursFirst = options.alternate !== false && r % 2 === 1;
    const b1 = oursFirst ? undefined : await options.baseline(per, `r${r}`);
    const o = await options.ours(per, `s${r}`);
    const b = b1 ?? (await options.baseline(per, `r${r}`));
    baseline.ms += b.ms;
    baseline.cpuUs += b.cpuUs;
    ours.ms += o.ms;
    ours.cpuUs += o.cpuUs;
    ratios.push(b.ms / o.ms);
    console.log(
      `round ${r + 1}: ${labels.baseline} ${rate(per, b.ms)} ${labels.unit}/s, ${labels.ours} ${rate(per, o.ms)} ${labels.unit}/s, ratio ${(b.ms / o.ms).toFixed(3)}x`,
    );
  }
  return { per, total: per * rounds, baseline, ours, ratios };
}
