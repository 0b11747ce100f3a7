import { ConnectionError } from '@tickflow/core';
import cassandra from 'cassandra-driver';
import type { Config } from '../config/ConfigSchema.js';

/**
 * A connected cassandra-driver Client for the configured contact points (credentials when set).
 * @param config - cassandra settings
 * @returns the connected client (the caller shuts it down)
 * @throws ConnectionError naming the contact points and how to start Cassandra; when the server
 *   refused the login (PasswordAuthenticator), a non-retriable one saying which settings to fix
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
    ...(c.username ? { credentials: { username: c.username, password: c.password ?? '' } } : {}),
    socketOptions: { connectTimeout: 10_000, readTimeout: 30_000 },
  });
  try {
    await client.connect();
  } catch (cause) {
    await client.shutdown().catch(() => {});
    const refused = loginRefused(cause);
    if (refused) {
      throw new ConnectionError(`Cassandra at ${c.contactPoints.join(',')} refused the login: ${refused}`, {
        cause,
        retriable: false,
        hint: c.username
          ? `check CASSANDRA_USERNAME (${c.username}) and CASSANDRA_PASSWORD`
          : 'the server requires authentication: set CASSANDRA_USERNAME and CASSANDRA_PASSWORD',
      });
    }
    throw new ConnectionError(`cannot connect to Cassandra at ${c.contactPoints.join(',')}: ${(cause as Error).message}`, {
      cause,
      hint: 'start it with `npx tickflow services up cassandra` or set CASSANDRA_CONTACT_POINTS',
    });
  }
  return client;
}

/** The driver's message when every host refused the credentials (NoHostAvailableError of AuthenticationErrors). */
function loginRefused(error: unknown): string | undefined {
  const inner = Object.values((error as { innerErrors?: Record<string, unknown> })?.innerErrors ?? {}) as Error[];
  if (!inner.length || !inner.every((e) => e instanceof cassandra.errors.AuthenticationError)) return undefined;
  return inner[0]!.message;
}
