import type { ApiAnomaly } from './ApiAnomaly.js';
import type { BarAnomalyOptions } from './BarAnomalyOptions.js';
import type { ApiBar, BarReader } from './BarReader.js';
import { barAnomalies } from './barAnomalies.js';
import { readWarmup } from './readWarmup.js';

/**
 * The anomalies of one new bar (a final bar just stored): scores it after the `window + 1` final
 * bars before it, read back from the reader, exactly as {@link findAnomalies} would score it later.
 * A provisional bar has none (its volume still grows).
 *
 * @param reader - where the bars before it are read
 * @param bar - the new bar
 * @param options - the `anomaly` operator's settings
 * @returns its anomalies (none, or one per kind: return, volume)
 * @example
 * ```ts
 * store.subscribe(async (bar) => {
 *   for (const a of await anomaliesOf(reader, bar)) console.log(a.symbol, a.kind, a.score.toFixed(1));
 * });
 * ```
 */
export async function anomaliesOf(reader: BarReader, bar: ApiBar, options: BarAnomalyOptions = {}): Promise<ApiAnomaly[]> {
  if (bar.final === false) return [];
  const before = await readWarmup(reader, bar, options);
  return barAnomalies([...before.filter((b) => b.start < bar.start), bar], options).filter((a) => a.ts === bar.start);
}
