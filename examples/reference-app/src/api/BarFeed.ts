import type { ApiBar } from './BarReader.js';

/**
 * A live source of bars for `GET /api/stream`: every stored bar, provisional or final (the demo's
 * `BarStore` is one).
 *
 * @example
 * ```ts
 * const feed: BarFeed = { subscribe: (_listener) => () => {} }; // a feed that never emits
 * ```
 */
export interface BarFeed {
  /**
   * @param listener - called with every bar from now on
   * @returns a function that unsubscribes
   */
  subscribe(listener: (bar: ApiBar) => void): () => void;
}
