import type { Trade } from '@tickflow/core';
import { anomaly } from '@tickflow/operators';
import { from } from 'rxjs';
import type { ApiAnomaly } from './ApiAnomaly.js';
import type { BarAnomalyOptions } from './BarAnomalyOptions.js';
import type { ApiBar } from './BarReader.js';

/** A bar as the `anomaly` operator sees it: a trade at the bar's start, priced at its close, sized by its volume. */
type BarPoint = Trade & { bar: ApiBar };

/**
 * Scores bars with the SDK's `anomaly` operator (rolling Welford z-scores of returns and volumes,
 * per series): each final bar becomes a trade-like point — close as price, volume as size, start
 * as time — so a bar is flagged when its close-to-close log return or its ln(volume) lies
 * `threshold` standard deviations from the mean of the series' previous `window` bars. Provisional
 * bars (`final: false`, the open window whose volume still grows) are neither scored nor counted;
 * bars with zero volume (gap fills) score their return only. Series are kept apart by symbol and
 * interval; give each series oldest first. The first `warmup` bars of a series only warm it up.
 *
 * @param bars - bars of one or more series, oldest first within a series
 * @param options - the operator's window, threshold, warm-up and kinds (its defaults otherwise)
 * @returns the anomalies, in bar order
 * @example
 * ```ts
 * const bars = await storeBarReader(store).bars({ symbol: 'AAPL', interval: '5m', limit: 1000 });
 * for (const a of barAnomalies(bars)) console.log(new Date(a.ts).toISOString(), a.kind, a.score.toFixed(1));
 * ```
 */
export function barAnomalies(bars: readonly ApiBar[], options: BarAnomalyOptions = {}): ApiAnomaly[] {
  const found: ApiAnomaly[] = [];
  const points: BarPoint[] = [];
  for (const bar of bars) {
    if (bar.final === false) continue;
    points.push({ symbol: `${bar.symbol}\u0000${bar.interval}`, price: bar.close, size: bar.volume, ts: bar.start, bar });
  }
  from(points)
    .pipe(
      anomaly<BarPoint>({
        ...options,
        maxSymbols: Number.MAX_SAFE_INTEGER,
        onAnomaly: (e) =>
          found.push({
            symbol: e.trade.bar.symbol,
            interval: e.trade.bar.interval,
            kind: e.kind,
            score: e.score,
            value: e.value,
            mean: e.mean,
            stdev: e.stdev,
            window: e.window,
            ts: e.ts,
            bar: e.trade.bar,
          }),
      }),
    )
    .subscribe();
  return found;
}
