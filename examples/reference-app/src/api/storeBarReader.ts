import type { BarStore } from '../demo/BarStore.js';
import type { BarReader } from './BarReader.js';

/**
 * Serves the API from the demo's in-memory {@link BarStore}.
 *
 * @param store - the demo store
 * @returns the reader
 * @example
 * ```ts
 * const reader = storeBarReader(new BarStore());
 * await reader.symbols(); // []
 * ```
 */
export function storeBarReader(store: BarStore): BarReader {
  return {
    bars: async (q) => {
      let list = store.bars({ symbol: q.symbol, interval: q.interval, ...(q.from !== undefined ? { from: q.from } : {}) });
      if (q.to !== undefined) list = list.filter((b) => b.start < (q.to as number));
      return list.slice(-q.limit);
    },
    symbols: async () => store.symbols(),
  };
}
