import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cassandraCql } from './cassandraCql.js';
import { cassandraTables } from './cassandraTables.js';
import { schemaStatements } from './schemaStatements.js';

describe('cassandraCql', () => {
  it('is identical to the schema/*.cql files (run schema/sync-cql.mjs after editing them)', () => {
    for (const [name, text] of Object.entries(cassandraCql)) {
      expect(text, `${name}.cql differs from cassandraCql.ts: node packages/sinks/src/cassandra/schema/sync-cql.mjs`).toBe(
        readFileSync(new URL(`./schema/${name}.cql`, import.meta.url), 'utf8'),
      );
    }
  });

  it('sets each table default_time_to_live as cassandraTables says', () => {
    for (const t of Object.values(cassandraTables)) {
      expect(cassandraCql[t.name]).toContain(`default_time_to_live = ${t.ttlSeconds};`);
    }
    expect(cassandraTables.trades_bronze.ttlSeconds).toBe(7 * 86_400);
    expect(cassandraTables.trades_silver.ttlSeconds).toBe(30 * 86_400);
    expect(cassandraTables.trades_gold_5m.ttlSeconds).toBe(90 * 86_400);
    expect(cassandraTables.trades_gold_1h.ttlSeconds).toBe(365 * 86_400);
  });
});

describe('schemaStatements', () => {
  it('defaults to market_data with SimpleStrategy RF 1, one statement per table', () => {
    const s = schemaStatements();
    expect(s).toHaveLength(5);
    expect(s[0]).toBe("CREATE KEYSPACE IF NOT EXISTS market_data\n  WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}");
    expect(s[1]).toMatch(/^CREATE TABLE IF NOT EXISTS market_data\.trades_bronze \(/);
    expect(s.every((q) => !q.includes('--') && !q.endsWith(';'))).toBe(true);
  });

  it('substitutes keyspace, replication, table subset and TTL overrides', () => {
    const s = schemaStatements({
      keyspace: 'md_test',
      replication: { class: 'NetworkTopologyStrategy', dc1: 3 },
      tables: ['trades_gold_1h'],
      defaultTtlSeconds: { trades_gold_1h: 60 },
    });
    expect(s[0]).toContain("CREATE KEYSPACE IF NOT EXISTS md_test\n  WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}");
    expect(s).toHaveLength(2);
    expect(s[1]).toMatch(/^CREATE TABLE IF NOT EXISTS md_test\.trades_gold_1h \(/);
    expect(s[1]).toContain('default_time_to_live = 60');
    expect(s.join('\n')).not.toContain('market_data');
  });

  it('takes replicationFactor as a SimpleStrategy shorthand', () => {
    expect(schemaStatements({ replicationFactor: 3 })[0]).toContain("{'class': 'SimpleStrategy', 'replication_factor': '3'}");
    expect(() => schemaStatements({ replicationFactor: 0 })).toThrow(/replicationFactor must be an integer >= 1/);
  });

  it('refuses names that are not plain identifiers and unknown tables', () => {
    expect(() => schemaStatements({ keyspace: 'x; DROP KEYSPACE y' })).toThrow(/keyspace must be letters/);
    expect(() => schemaStatements({ tables: ['trades_platinum' as never] })).toThrow(/unknown table "trades_platinum"/);
    expect(() => schemaStatements({ defaultTtlSeconds: { trades_silver: -1 } })).toThrow(/defaultTtlSeconds/);
  });
});
