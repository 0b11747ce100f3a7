import { median } from './median.js';
import { rate } from './rate.js';
import type { CompareRoundsResult } from './compareRounds.js';

/** Options of {@link printRatio}. */
export interface PrintRatioOptions {
  /** The line's label of the baseline, e.g. `'raw pg, same unnest statement (baseline)'`. */
  baseline: string;
  /** The line's label of our code. */
  ours: string;
  /** The unit counted (`'msg'`, `'rows'`, …). */
  unit: string;
  /** The goal printed after the ratio, e.g. `'>= 0.85x'`. */
  goal: string;
  /** Also print the median of the per-round ratios (default true). */
  median?: boolean;
}

/**
 * Prints the summary of {@link compareRounds}: the baseline's rate, ours and their ratio (with the
 * goal), and the median of the per-round ratios; labels are aligned.
 *
 * @param result - what compareRounds returned
 * @param options - labels, unit, goal
 */
export function printRatio(result: CompareRoundsResult, options: PrintRatioOptions): void {
  const width = Math.max(options.baseline.length, options.ours.length) + 1;
  const baselineRate = rate(result.total, result.baseline.ms);
  const oursRate = rate(result.total, result.ours.ms);
  console.log(`  ${`${options.baseline}:`.padEnd(width)} ${baselineRate} ${options.unit}/s`);
  console.log(`  ${`${options.ours}:`.padEnd(width)} ${oursRate} ${options.unit}/s  ratio ${(oursRate / baselineRate).toFixed(3)}x  (goal ${options.goal})`);
  if (options.median !== false) console.log(`  median of per-round ratios: ${median(result.ratios).toFixed(3)}x`);
}
