// Test helper (not exported): a cassandra-driver stand-in whose writes the test settles by hand.
import type { CassandraClient, CassandraQueryOptions, CassandraResult } from './CassandraClient.js';

export interface FakeCall {
  query: string;
  params: unknown[];
  /** For batch calls: the statements. */
  batch?: Array<{ query: string; params: unknown[] }>;
  options: CassandraQueryOptions | undefined;
  resolve(result?: CassandraResult): void;
  reject(error: unknown): void;
}

export interface FakeClient extends CassandraClient {
  calls: FakeCall[];
  /** Calls not settled yet. */
  pending(): FakeCall[];
  /** Highest number of unsettled calls seen at once. */
  maxPending: number;
}

/** A fake client; with `auto`, every call settles itself through that function. */
export function fakeClient(
  auto?: (query: string, params: unknown[], options?: CassandraQueryOptions) => Promise<CassandraResult>,
  opts: { batch?: boolean } = {},
): FakeClient {
  const calls: FakeCall[] = [];
  const open = new Set<FakeCall>();
  const client: FakeClient = {
    calls,
    maxPending: 0,
    pending: () => [...open],
    execute(query, params = [], options) {
      return call(query, params, options);
    },
  };
  if (opts.batch) {
    client.batch = (queries, options) => call('BATCH', [], options, queries);
  }
  function call(query: string, params: unknown[], options: CassandraQueryOptions | undefined, batch?: FakeCall['batch']): Promise<CassandraResult> {
      if (auto) return auto(query, params, options);
      return new Promise<CassandraResult>((res, rej) => {
        const call: FakeCall = {
          query,
          params,
          ...(batch ? { batch } : {}),
          options,
          resolve: (r) => {
            open.delete(call);
            res(r ?? { rows: [] });
          },
          reject: (e) => {
            open.delete(call);
            rej(e);
          },
        };
        calls.push(call);
        open.add(call);
        client.maxPending = Math.max(client.maxPending, open.size);
      });
  }
  return client;
}

/** Lets pending promise callbacks run. */
export const tick = () => new Promise<void>((r) => setImmediate(r));

/** An error shaped like cassandra-driver's NoHostAvailableError. */
export const noHost = () => Object.assign(new Error('All host(s) tried for query failed'), { name: 'NoHostAvailableError' });
