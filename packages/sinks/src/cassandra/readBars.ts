import { type Bar, ConfigurationError } from '@tickflow/core';
import type { CassandraClient } from './CassandraClient.js';
import { checkKeyspace } from './checkKeyspace.js';
import { checkSymbol } from './checkSymbol.js';
import { epochMsSetting } from './epochMsSetting.js';
import { readPages } from './readPages.js';
import { barBucketsBetween } from './timeBuckets.js';

/**
 * Options of {@link readBars}.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { type ReadBarsOptions, readBars } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const options: ReadBarsOptions = { symbol: 'AAPL', interval: '1h', from: new Date('2024-01-01'), to: new Date('2024-02-01') };
 * const bars = await readBars(client, options);
 * ```
 */
export interface ReadBarsOptions {
  /** The symbol, e.g. `'AAPL'`. */
  symbol: string;
  /** Which Gold table: `'5m'` (trades_gold_5m) or `'1h'` (trades_gold_1h). */
  interval: '5m' | '1h';
  /** First window start to include, epoch ms or Date (inclusive). */
  from: number | Date;
  /** Window starts before this, epoch ms or Date (exclusive). */
  to: number | Date;
  /** Keyspace (default `market_data`). */
  keyspace?: string;
  /** Rows per page (default 5 000). */
  fetchSize?: number;
  /** Driver execution profile, if you configured one. */
  executionProfile?: string;
}

/** Reads a timestamp column as epoch ms (the driver returns a Date). */
const toMs = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));

/**
 * Reads a symbol's Gold bars with window start in `[from, to)`, oldest first, paging through the
 * driver partition by partition (a partition is one UTC month of 5m bars or one UTC year of 1h
 * bars). The bars have exactly the `Bar` fields, as the sink wrote them; a restated bar
 * appears once, in its latest version.
 *
 * @param client - a connected cassandra-driver `Client`
 * @param options - symbol, interval, time range, keyspace and page size
 * @returns the bars in window order
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { readBars } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const bars = await readBars(client, { symbol: 'AAPL', interval: '5m', from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 3) });
 * console.log(bars.length, bars[0]?.close);
 * await client.shutdown();
 * ```
 */
export async function readBars(client: CassandraClient, options: ReadBarsOptions): Promise<Bar[]> {
  const symbol = checkSymbol(options.symbol);
  const { interval } = options;
  if (interval !== '5m' && interval !== '1h') {
    throw new ConfigurationError(`interval must be '5m' or '1h' (the Gold tables), got ${JSON.stringify(interval)}`, { setting: 'interval' });
  }
  const from = epochMsSetting(options.from, 'from');
  const to = epochMsSetting(options.to, 'to');
  const keyspace = checkKeyspace(options.keyspace ?? 'market_data');
  const query =
    `SELECT window_start, window_end, open, high, low, close, volume, trade_count, vwap FROM ${keyspace}.trades_gold_${interval} ` +
    'WHERE symbol = ? AND bucket = ? AND window_start >= ? AND window_start < ?';
  const out: Bar[] = [];
  for (const bucket of barBucketsBetween(from, to, interval)) {
    for await (const row of readPages(client, query, [symbol, bucket, from, to], options.fetchSize ?? 5_000, options.executionProfile)) {
      out.push({
        symbol,
        interval,
        start: toMs(row.get('window_start')),
        end: toMs(row.get('window_end')),
        open: row.get('open'),
        high: row.get('high'),
        low: row.get('low'),
        close: row.get('close'),
        volume: row.get('volume'),
        count: row.get('trade_count'),
        vwap: row.get('vwap'),
      });
    }
  }
  return out;
}
