import pg from 'pg';
import { describe, expect, it } from 'vitest';

describe('postgres (services:up)', () => {
  it('writes and reads a row in the tickflow database', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL! });
    await client.connect();
    try {
      const db = await client.query<{ db: string; usr: string }>('SELECT current_database() AS db, current_user AS usr');
      expect(db.rows[0]).toEqual({ db: 'tickflow', usr: 'tickflow' });
      await client.query('CREATE TEMP TABLE services_test (symbol text PRIMARY KEY, price double precision)');
      await client.query('INSERT INTO services_test VALUES ($1, $2)', ['AAPL', 187.5]);
      const rs = await client.query<{ price: number }>('SELECT price FROM services_test WHERE symbol = $1', ['AAPL']);
      expect(rs.rows).toEqual([{ price: 187.5 }]);
    } finally {
      await client.end();
    }
  });
});
