import { describe, expect, it } from 'vitest';
import { cassandraCli } from './cassandraCli.js';
import { fakeClient } from './fakeClient.test-helper.js';

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ddl: string[] = [];
  const opened: unknown[][] = [];
  let shut = 0;
  const client = Object.assign(
    fakeClient(async (q) => {
      if (!q.startsWith('SELECT')) ddl.push(q);
      return { rows: [] };
    }),
    { shutdown: async () => void shut++ },
  );
  return {
    out,
    err,
    ddl,
    opened,
    shut: () => shut,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env,
      connect: async (cp: string[], dc: string) => {
        opened.push([cp, dc]);
        return client;
      },
    },
  };
}

describe('tickflow-cassandra', () => {
  it('init creates the schema through ensureSchema and closes its client', async () => {
    const t = io({ CASSANDRA_CONTACT_POINTS: '10.0.0.1:9042,10.0.0.2:9042' });
    expect(await cassandraCli(['init', '--keyspace', 'md', '--dc', 'dc1:3', '--dc', 'dc2:2'], t.io)).toBe(0);
    expect(t.opened).toEqual([[['10.0.0.1:9042', '10.0.0.2:9042'], 'datacenter1']]);
    expect(t.ddl).toHaveLength(5);
    expect(t.ddl[0]).toContain("{'class': 'NetworkTopologyStrategy', 'dc1': '3', 'dc2': '2'}");
    expect(t.out[0]).toBe('keyspace md: created keyspace, trades_bronze, trades_silver, trades_gold_5m, trades_gold_1h; already there: nothing');
    expect(t.shut()).toBe(1);
  });

  it('print writes the CQL without connecting', async () => {
    const t = io();
    expect(await cassandraCli(['print', '--replication-factor', '3'], t.io)).toBe(0);
    expect(t.opened).toEqual([]);
    expect(t.out[0]).toMatch(/^CREATE KEYSPACE IF NOT EXISTS market_data\n {2}WITH replication = \{'class': 'SimpleStrategy', 'replication_factor': '3'\};/);
    expect(t.out[0]?.match(/CREATE TABLE/g)).toHaveLength(4);
  });

  it('explains bad usage and failures with a non-zero exit', async () => {
    const t = io();
    expect(await cassandraCli([], t.io)).toBe(2);
    expect(t.err[0]).toMatch(/^usage: tickflow-cassandra/);
    expect(await cassandraCli(['init', '--dc', 'dc1'], t.io)).toBe(2);
    expect(t.err[1]).toMatch(/--dc must look like name:replicas/);
    expect(await cassandraCli(['print', '--keyspace', 'bad-name'], t.io)).toBe(1);
    expect(t.err[2]).toMatch(/keyspace must be letters/);
    expect(await cassandraCli(['init', '--bogus'], t.io)).toBe(2);
    const fails = { ...t.io, connect: async () => Promise.reject(new Error('All host(s) tried for query failed')) };
    expect(await cassandraCli(['init'], fails)).toBe(1);
    expect(t.err.at(-1)).toBe('tickflow-cassandra init failed: All host(s) tried for query failed');
  });
});
