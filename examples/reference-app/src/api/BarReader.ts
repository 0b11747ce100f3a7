import type { Bar } from '@tickflow/core';
import type { BarsQuery } from './BarsQuerySchema.js';

/** A bar as the API returns it: the `Bar` fields, plus `final` when the store knows it. */
export type ApiBar = Bar & { final?: boolean };

/**
 * Where `GET /api/bars` and `GET /api/symbols` read from: the demo's in-memory store
 * ({@link storeBarReader}) or Cassandra's Gold tables ({@link cassandraBarReader}).
 *
 * @example
 * ```ts
 * const reader: BarReader = { bars: async () => [], symbols: async () => ['AAPL'] };
 * ```
 */
export interface BarReader {
  /**
   * Bars of one series, oldest first.
   * @param q - symbol, interval, range and limit (newest `limit` bars)
   * @returns the bars
   */
  bars(q: BarsQuery): Promise<ApiBar[]>;
  /** @returns the symbols that can be queried, sorted */
  symbols(): Promise<string[]>;
}
