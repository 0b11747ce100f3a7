import type cassandra from 'cassandra-driver';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CassandraClient, CassandraResult } from './CassandraClient.js';
import { ensureSchema } from './ensureSchema.js';
import { fakeClient } from './fakeClient.test-helper.js';

const rows = (col: string, values: string[]): CassandraResult => ({ rows: values.map((v) => ({ get: (c: string) => (c === col ? v : undefined) })) });

/** A fake cluster holding a set of keyspaces/tables; DDL adds to it. */
function cluster(initial: Record<string, string[]> = {}) {
  const schema = new Map(Object.entries(initial).map(([k, t]) => [k, new Set(t)]));
  const ddl: string[] = [];
  const client = fakeClient(async (q, p) => {
    if (q.startsWith('SELECT keyspace_name')) return rows('keyspace_name', schema.has(p[0] as string) ? [p[0] as string] : []);
    if (q.startsWith('SELECT table_name')) return rows('table_name', [...(schema.get(p[0] as string) ?? [])]);
    ddl.push(q);
    const ks = /KEYSPACE IF NOT EXISTS (\w+)/.exec(q);
    if (ks) schema.set(ks[1] as string, new Set());
    const t = /TABLE IF NOT EXISTS (\w+)\.(\w+)/.exec(q);
    if (t) schema.get(t[1] as string)?.add(t[2] as string);
    return { rows: [] };
  });
  return { client, ddl, schema };
}

describe('ensureSchema', () => {
  it('creates the keyspace and four tables, then does nothing the second time', async () => {
    const { client, ddl } = cluster();
    const first = await ensureSchema(client, { keyspace: 'md' });
    expect(first).toEqual({ keyspace: 'md', created: ['keyspace', 'trades_bronze', 'trades_silver', 'trades_gold_5m', 'trades_gold_1h'], existing: [] });
    expect(ddl).toHaveLength(5);
    const second = await ensureSchema(client, { keyspace: 'md' });
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(4);
    expect(ddl).toHaveLength(5);
  });

  it('creates only what is missing', async () => {
    const { client, ddl } = cluster({ market_data: ['trades_bronze', 'trades_silver'] });
    const r = await ensureSchema(client);
    expect(r.created).toEqual(['trades_gold_5m', 'trades_gold_1h']);
    expect(ddl.map((q) => /market_data\.(\w+)/.exec(q)?.[1])).toEqual(['trades_gold_5m', 'trades_gold_1h']);
  });

  it('retries DDL that timed out', async () => {
    let failures = 1;
    const inner = cluster();
    const client: CassandraClient = {
      execute: (q, p, o) => {
        if (q.startsWith('CREATE KEYSPACE') && failures-- > 0) return Promise.reject(Object.assign(new Error('timeout'), { name: 'OperationTimedOutError' }));
        return inner.client.execute(q, p, o);
      },
    };
    const r = await ensureSchema(client, { tables: ['trades_silver'] });
    expect(r.created).toEqual(['keyspace', 'trades_silver']);
  });

  it('accepts a real cassandra-driver Client', () => {
    expectTypeOf<InstanceType<typeof cassandra.Client>>().toExtend<CassandraClient>();
  });
});
