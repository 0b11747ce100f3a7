import { Client } from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';

const contactPoints = process.env.CASSANDRA_CONTACT_POINTS!.split(',');
const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';

describe('cassandra (services:up)', () => {
  const client = new Client({ contactPoints, localDataCenter });
  afterAll(() => client.shutdown());

  it('is Cassandra 5', async () => {
    const rs = await client.execute('SELECT release_version FROM system.local');
    expect(rs.first().get('release_version')).toMatch(/^5\.0\./);
  });

  it('creates a keyspace and a table, writes a row and reads it back', async () => {
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS services_test WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      'CREATE TABLE IF NOT EXISTS services_test.trades (symbol text, ts timestamp, price double, PRIMARY KEY (symbol, ts))',
    );
    const ts = new Date();
    await client.execute('INSERT INTO services_test.trades (symbol, ts, price) VALUES (?, ?, ?) USING TTL 3600', ['AAPL', ts, 187.5], {
      prepare: true,
    });
    const rs = await client.execute('SELECT price FROM services_test.trades WHERE symbol = ? AND ts = ?', ['AAPL', ts], { prepare: true });
    expect(rs.rowLength).toBe(1);
    expect(rs.first().get('price')).toBe(187.5);
  });
});
