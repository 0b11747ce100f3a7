import type { ApiBar } from './BarReader.js';
import type { BarFeed } from './BarFeed.js';

/**
 * A {@link BarFeed} the caller pushes bars into: `tickflow process` publishes each Gold bar once
 * Cassandra has acknowledged its write, and `GET /api/stream` (and the page) receive it. A listener
 * that throws is logged through `onError` and stays subscribed; the other listeners still get the bar.
 *
 * @example
 * ```ts
 * const hub = new BarHub();
 * const stop = hub.subscribe((bar) => console.log(bar.symbol, bar.interval, bar.close));
 * hub.publish({ symbol: 'AAPL', interval: '5m', start: 0, end: 300_000, open: 1, high: 2, low: 1, close: 2, volume: 10, count: 3, vwap: 1.5, final: true });
 * stop();
 * ```
 */
export class BarHub implements BarFeed {
  readonly #listeners = new Set<(bar: ApiBar) => void>();
  readonly #onError: (error: unknown) => void;
  #published = 0;

  /**
   * @param options - `onError`: called when a listener throws (default: ignore)
   */
  constructor(options: { onError?: (error: unknown) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  /** Number of subscribed listeners. */
  get listeners(): number {
    return this.#listeners.size;
  }

  /** Bars published since start. */
  get published(): number {
    return this.#published;
  }

  /**
   * @param listener - called with every bar published from now on
   * @returns a function that unsubscribes
   */
  subscribe(listener: (bar: ApiBar) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Hands a bar to every listener.
   * @param bar - a stored bar (`final: false` for a provisional one)
   */
  publish(bar: ApiBar): void {
    this.#published++;
    for (const l of this.#listeners) {
      try {
        l(bar);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
