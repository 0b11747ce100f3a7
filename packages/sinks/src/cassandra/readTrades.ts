import { ConfigurationError, type Trade } from '@tickflow/core';
import type { CassandraClient } from './CassandraClient.js';
import { checkKeyspace } from './checkKeyspace.js';
import { checkSymbol } from './checkSymbol.js';
import { epochMsSetting } from './epochMsSetting.js';
import { readPages } from './readPages.js';
import { GENERATED_ID_PREFIX } from './tableMappings.js';
import { daysBetween } from './timeBuckets.js';

/**
 * Options of {@link readTrades}.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { type ReadTradesOptions, readTrades } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const options: ReadTradesOptions = { symbol: 'AAPL', from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 3), layer: 'bronze' };
 * const trades = await readTrades(client, options);
 * ```
 */
export interface ReadTradesOptions {
  /** The symbol, e.g. `'AAPL'`. */
  symbol: string;
  /** First event time to include, epoch ms or Date (inclusive). */
  from: number | Date;
  /** Event times before this, epoch ms or Date (exclusive). */
  to: number | Date;
  /** Which table: `'bronze'` (trades_bronze) or `'silver'` (trades_silver, the default). */
  layer?: 'bronze' | 'silver';
  /** Keyspace (default `market_data`). */
  keyspace?: string;
  /** Rows per page (default 5 000). */
  fetchSize?: number;
  /** Keep the `~auto:` ids the sink generated for trades that had none (default false: omit them). */
  includeGeneratedIds?: boolean;
  /** Driver execution profile, if you configured one. */
  executionProfile?: string;
}

/**
 * Reads a symbol's trades with event time in `[from, to)` from Bronze or Silver, ordered by
 * (ts, id), paging through the driver one UTC day partition at a time. Each trade has the fields
 * that were stored (`symbol, price, size, ts`, and `id, conditions, source, receivedAt` when set).
 * Ids the sink generated for id-less trades are left out unless `includeGeneratedIds` is set, so
 * what you read equals what you wrote.
 *
 * @param client - a connected cassandra-driver `Client`
 * @param options - symbol, time range, layer, keyspace and page size
 * @returns the trades in time order
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { readTrades } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const trades = await readTrades(client, { symbol: 'AAPL', from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 3), layer: 'silver' });
 * console.log(trades.length);
 * await client.shutdown();
 * ```
 */
export async function readTrades(client: CassandraClient, options: ReadTradesOptions): Promise<Trade[]> {
  const symbol = checkSymbol(options.symbol);
  const layer = options.layer ?? 'silver';
  if (layer !== 'bronze' && layer !== 'silver') {
    throw new ConfigurationError(`layer must be 'bronze' or 'silver', got ${JSON.stringify(layer)}`, { setting: 'layer' });
  }
  const from = epochMsSetting(options.from, 'from');
  const to = epochMsSetting(options.to, 'to');
  const keyspace = checkKeyspace(options.keyspace ?? 'market_data');
  const keepAuto = options.includeGeneratedIds ?? false;
  const query =
    `SELECT ts, id, price, size, conditions, source, received_at FROM ${keyspace}.trades_${layer} ` +
    'WHERE symbol = ? AND day = ? AND ts >= ? AND ts < ?';
  const out: Trade[] = [];
  for (const day of daysBetween(from, to)) {
    for await (const row of readPages(client, query, [symbol, day, from, to], options.fetchSize ?? 5_000, options.executionProfile)) {
      const t: Trade = { symbol, price: row.get('price'), size: row.get('size'), ts: (row.get('ts') as Date).getTime() };
      const id = row.get('id') as string;
      if (keepAuto || !id.startsWith(GENERATED_ID_PREFIX)) t.id = id;
      const conditions = row.get('conditions') as string[] | null;
      if (conditions) t.conditions = conditions;
      const source = row.get('source') as string | null;
      if (source !== null && source !== undefined) t.source = source;
      const receivedAt = row.get('received_at') as Date | null;
      if (receivedAt) t.receivedAt = receivedAt.getTime();
      out.push(t);
    }
  }
  return out;
}
