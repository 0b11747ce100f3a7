import type { ApiAnomaly } from './ApiAnomaly.js';
import type { BarAnomalyOptions } from './BarAnomalyOptions.js';
import type { BarReader } from './BarReader.js';
import type { BarsQuery } from './BarsQuerySchema.js';
import { barAnomalies } from './barAnomalies.js';
import { readWarmup } from './readWarmup.js';

/**
 * What {@link findAnomalies} found.
 *
 * @example
 * ```ts
 * const found: FoundAnomalies = await findAnomalies(reader, { symbol: 'AAPL', interval: '5m', limit: 1000 });
 * if (found.warmupBars < 101) console.warn('a young series: its first bars are scored against a short history');
 * ```
 */
export interface FoundAnomalies {
  /** Anomalies among the queried bars, oldest first. */
  anomalies: ApiAnomaly[];
  /** Bars the query returned (and that were scored). */
  bars: number;
  /** Bars read before the first one to warm the window up. */
  warmupBars: number;
}

/**
 * Anomalies among the bars a `/api/bars` query returns: reads those bars, plus up to `window + 1`
 * bars before the first of them so the rolling window is already full at the start of the range
 * (the same scores as if the whole history had been run, as long as the reader still has it), and
 * runs them through {@link barAnomalies}. Nothing is stored: anomalies are derived from the
 * durable bars, so they survive restarts and agree between the demo store and Cassandra.
 *
 * @param reader - where bars are read
 * @param q - the bars query (symbol, interval, from, to, limit)
 * @param options - the `anomaly` operator's settings
 * @returns the anomalies and how many bars were scored and read for warm-up
 * @example
 * ```ts
 * const { anomalies } = await findAnomalies(storeBarReader(store), { symbol: 'AAPL', interval: '5m', limit: 1000 });
 * ```
 */
export async function findAnomalies(reader: BarReader, q: BarsQuery, options: BarAnomalyOptions = {}): Promise<FoundAnomalies> {
  const bars = await reader.bars(q);
  const first = bars[0];
  if (first === undefined) return { anomalies: [], bars: 0, warmupBars: 0 };
  const warmup = await readWarmup(reader, first, options);
  const anomalies = barAnomalies([...warmup, ...bars], options).filter((a) => a.ts >= first.start);
  return { anomalies, bars: bars.length, warmupBars: warmup.length };
}
