import type { BarAnomalyOptions } from './BarAnomalyOptions.js';
import type { ApiBar, BarReader } from './BarReader.js';
import type { BarsQuery } from './BarsQuerySchema.js';

const DAY = 86_400_000;
/**
 * How far back the warm-up read looks, per interval: far enough to hold a 100-bar window of a
 * market-hours series across weekends and holidays (7 days ≈ 390 5m bars of a stock, 60 days
 * ≈ 290 1h bars), short enough to stay within a few Cassandra partitions.
 */
const WARMUP_RANGE: Record<string, number> = { '5m': 7 * DAY, '1h': 60 * DAY };

/**
 * Reads the `window + 1` bars before `bar` of its series (the closes of `window` returns), looking
 * back at most 7 days (5m) or 60 days (1h), so the `anomaly` operator's window is full when `bar`
 * is scored.
 *
 * @param reader - where bars are read
 * @param bar - the first bar to be scored
 * @param options - the operator's settings (`window`, default 100)
 * @returns up to `window + 1` bars before `bar`, oldest first
 * @example
 * ```ts
 * const before = await readWarmup(reader, { symbol: 'AAPL', interval: '5m', start: Date.UTC(2024, 0, 2, 14, 30) });
 * ```
 */
export function readWarmup(reader: BarReader, bar: Pick<ApiBar, 'symbol' | 'interval' | 'start'>, options: BarAnomalyOptions = {}): Promise<ApiBar[]> {
  const window = options.window ?? 100;
  return reader.bars({
    symbol: bar.symbol,
    interval: bar.interval as BarsQuery['interval'],
    from: bar.start - (WARMUP_RANGE[bar.interval] ?? 7 * DAY),
    to: bar.start,
    limit: Math.min(5000, window + 1),
  });
}
