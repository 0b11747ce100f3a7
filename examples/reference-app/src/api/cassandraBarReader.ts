import type { CassandraClient } from '@tickflow/sinks/cassandra';
import { readBars } from '@tickflow/sinks/cassandra';
import type { BarReader } from './BarReader.js';

const DAY = 86_400_000;
/** Default look-back when `from` is absent, per interval. */
const DEFAULT_RANGE: Record<string, number> = { '5m': 2 * DAY, '1h': 30 * DAY };
/** Longest range one request may read (readBars pages partition by partition). */
const MAX_RANGE: Record<string, number> = { '5m': 31 * DAY, '1h': 730 * DAY };

/**
 * Serves the API from Cassandra's Gold tables with `readBars` (`trades_gold_5m`, `trades_gold_1h`).
 * Without `from` it reads the last 2 days of 5m bars or 30 days of 1h bars before `to` (default now);
 * a range longer than 31 days (5m) or 2 years (1h) is cut to its newest part.
 *
 * @param client - a connected cassandra-driver client
 * @param options - keyspace, the symbols `/api/symbols` lists, and a clock
 * @returns the reader
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const reader = cassandraBarReader(client, { keyspace: 'market_data', symbols: ['AAPL'] });
 * ```
 */
export function cassandraBarReader(client: CassandraClient, options: { keyspace?: string; symbols: readonly string[]; now?: () => number }): BarReader {
  const now = options.now ?? Date.now;
  return {
    bars: async (q) => {
      const to = q.to ?? now() + 1;
      const from = Math.max(q.from ?? to - (DEFAULT_RANGE[q.interval] as number), to - (MAX_RANGE[q.interval] as number));
      const bars = await readBars(client, {
        symbol: q.symbol,
        interval: q.interval,
        from,
        to,
        ...(options.keyspace !== undefined ? { keyspace: options.keyspace } : {}),
      });
      return bars.slice(-q.limit).map((b) => ({ ...b, final: true }));
    },
    symbols: async () => [...options.symbols].sort(),
  };
}
