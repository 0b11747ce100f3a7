import { ConnectionError } from '@tickflow/core';
import cassandra from 'cassandra-driver';
import type { Config } from '../config/ConfigSchema.js';

/**
 * A connected cassandra-driver Client for the configured contact points (credentials when set).
 * @param config - cassandra settings
 * @returns the connected client (the caller shuts it down)
 * @throws ConnectionError naming the contact points and how to start Cassandra
 * @example
 * ```ts
 * const client = await connectCassandra(config);
 * await client.shutdown();
 * ```
 */
export async function connectCassandra(config: Config): Promise<cassandra.Client> {
  const c = config.cassandra;
  const client = new cassandra.Client({
    contactPoints: c.contactPoints,
    localDataCenter: c.localDataCenter,
    ...(c.username && c.password ? { credentials: { username: c.username, password: c.password } } : {}),
    socketOptions: { connectTimeout: 10_000, readTimeout: 30_000 },
  });
  try {
    await client.connect();
  } catch (cause) {
    await client.shutdown().catch(() => {});
    throw new ConnectionError(`cannot connect to Cassandra at ${c.contactPoints.join(',')}: ${(cause as Error).message}`, {
      cause,
      hint: 'start it with `npx tickflow services up cassandra` or set CASSANDRA_CONTACT_POINTS',
    });
  }
  return client;
}
