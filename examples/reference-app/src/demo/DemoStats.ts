/**
 * Running counts of the demo pipeline, for the terminal summary and the tests.
 *
 * @example
 * ```ts
 * const s = new DemoStats(() => Date.now());
 * s.trade('AAPL', 190.1, Date.now());
 * s.rate(); // trades per second over the last few seconds
 * ```
 */
export class DemoStats {
  trades = 0;
  invalid = 0;
  duplicates = 0;
  late = 0;
  watermark = Number.NEGATIVE_INFINITY;
  /** Newest event time seen. */
  eventTime = Number.NEGATIVE_INFINITY;
  readonly perSymbol = new Map<string, { trades: number; last: number }>();
  readonly #now: () => number;
  readonly #samples: { at: number; trades: number }[] = [];

  /** @param now - wall clock (ms) */
  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#samples.push({ at: now(), trades: 0 });
  }

  /**
   * Counts one raw record as it arrives.
   */
  received(): void {
    this.trades++;
  }

  /**
   * Records a valid trade's symbol, price and event time.
   * @param symbol - symbol
   * @param price - price
   * @param ts - event time
   */
  trade(symbol: string, price: number, ts: number): void {
    let s = this.perSymbol.get(symbol);
    if (s === undefined) this.perSymbol.set(symbol, (s = { trades: 0, last: price }));
    s.trades++;
    s.last = price;
    if (ts > this.eventTime) this.eventTime = ts;
  }

  /** Trades per second (wall clock) over the last ~5 s. */
  rate(): number {
    const now = this.#now();
    this.#samples.push({ at: now, trades: this.trades });
    while (this.#samples.length > 2 && now - (this.#samples[1] as { at: number }).at >= 5_000) this.#samples.shift();
    const first = this.#samples[0] as { at: number; trades: number };
    const dt = (now - first.at) / 1000;
    return dt > 0 ? (this.trades - first.trades) / dt : 0;
  }
}
