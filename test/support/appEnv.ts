/** Endpoints of the servers globalSetup brought up, by server name (`inject('services')`). */
export type ServiceEndpoints = Partial<Record<string, string>>;

/**
 * The topic, consumer-group and keyspace variables of one test run of the reference app, all named
 * after `prefix` so runs never share state: `<prefix>_trades`, `_crypto`, `_quotes`, `_dlq`, group
 * `<prefix>_processor`, keyspace `<prefix>` (unless `keyspace` is given, or `null` to leave it out).
 */
export function runNames(prefix: string, keyspace: string | null = prefix): Record<string, string> {
  return {
    KAFKA_TOPIC_TRADES: `${prefix}_trades`,
    KAFKA_TOPIC_CRYPTO: `${prefix}_crypto`,
    KAFKA_TOPIC_QUOTES: `${prefix}_quotes`,
    KAFKA_TOPIC_DLQ: `${prefix}_dlq`,
    KAFKA_GROUP_ID: `${prefix}_processor`,
    ...(keyspace === null ? {} : { CASSANDRA_KEYSPACE: keyspace }),
  };
}

/**
 * The environment of a `tickflow` child process in a test run: this process's environment, the
 * servers' endpoints (from globalSetup, else the variables already set, else the default ports) and
 * {@link runNames} for `prefix`. Spread `extra` settings after it.
 */
export function appEnv(services: ServiceEndpoints, prefix: string, keyspace: string | null = prefix): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    KAFKA_BROKERS: services.kafka ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    SCHEMA_REGISTRY_URL: services['schema-registry'] ?? process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081',
    CASSANDRA_CONTACT_POINTS: services.cassandra ?? process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042',
    ...runNames(prefix, keyspace),
  };
}
