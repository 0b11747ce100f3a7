/** How an environment variable's text becomes a config value. */
export type EnvKind = 'string' | 'list' | 'int' | 'number';

/** One environment variable the app reads, the config path it sets and what it means. */
export interface EnvSetting {
  /** The variable name, e.g. `KAFKA_BROKERS`. */
  readonly env: string;
  /** Dotted path in the config, e.g. `kafka.brokers`. */
  readonly path: string;
  /** How the text is parsed (`list` = comma separated). */
  readonly kind: EnvKind;
  /** Default, as the docs show it. */
  readonly default: string;
  /** One line for the docs table. */
  readonly description: string;
  /** True for secrets: never logged, shown as `[redacted]`. */
  readonly secret?: boolean;
}

/**
 * Every environment variable the app reads. The single source of the table in
 * docs/guides/reference-app.md; the docker-compose test checks the compose file against it.
 * The names of the server endpoints are the ones `scripts/services.mjs env` prints.
 */
export const ENV_SETTINGS: readonly EnvSetting[] = [
  { env: 'TICKFLOW_SYMBOLS', path: 'symbols', kind: 'list', default: 'AAPL,MSFT,AMZN,TSLA,BINANCE:BTCUSDT,BINANCE:ETHUSDT', description: 'symbols to subscribe to' },
  { env: 'TICKFLOW_LOG_LEVEL', path: 'logLevel', kind: 'string', default: 'info', description: 'debug, info, warn or error' },
  { env: 'FINNHUB_API_KEY', path: 'finnhub.apiKey', kind: 'string', default: '(none)', description: 'Finnhub token; without it the demo replays recorded trades', secret: true },
  { env: 'FINNHUB_URL', path: 'finnhub.url', kind: 'string', default: 'wss://ws.finnhub.io', description: 'Finnhub WebSocket URL (point it at a fake server in tests)' },
  { env: 'FINNHUB_STALE_TIMEOUT_MS', path: 'finnhub.staleTimeoutMs', kind: 'int', default: '90000', description: 'reconnect when nothing (not even a ping) arrives for this long' },
  { env: 'YAHOO_SYMBOLS', path: 'yahoo.symbols', kind: 'list', default: '(none)', description: 'symbols polled from Yahoo Finance into quotes_raw (`produce --quotes`)' },
  { env: 'YAHOO_INTERVAL_MS', path: 'yahoo.intervalMs', kind: 'int', default: '15000', description: 'Yahoo polling interval' },
  { env: 'YAHOO_BASE_URL', path: 'yahoo.baseUrl', kind: 'string', default: '(Yahoo)', description: 'Yahoo Finance base URL (point it at the fake Yahoo server in tests)' },
  { env: 'NATS_URL', path: 'nats.url', kind: 'string', default: '(none)', description: '`tickflow quotes`: publish quotes to NATS JetStream' },
  { env: 'REDIS_URL', path: 'redis.url', kind: 'string', default: '(none)', description: '`tickflow quotes`: latest quote and earnings flags in Redis' },
  { env: 'KAFKA_BROKERS', path: 'kafka.brokers', kind: 'list', default: '127.0.0.1:9092', description: 'Kafka bootstrap brokers' },
  { env: 'KAFKA_CLIENT_ID', path: 'kafka.clientId', kind: 'string', default: 'tickflow', description: 'Kafka client id' },
  { env: 'KAFKA_GROUP_ID', path: 'kafka.groupId', kind: 'string', default: 'tickflow-processor', description: 'consumer group of `process`' },
  { env: 'KAFKA_TOPIC_TRADES', path: 'kafka.topics.trades', kind: 'string', default: 'trades_raw', description: 'raw stock trades topic' },
  { env: 'KAFKA_TOPIC_CRYPTO', path: 'kafka.topics.crypto', kind: 'string', default: 'crypto_raw', description: 'raw crypto trades topic (`EXCHANGE:PAIR` symbols)' },
  { env: 'KAFKA_TOPIC_QUOTES', path: 'kafka.topics.quotes', kind: 'string', default: 'quotes_raw', description: 'Yahoo quotes topic' },
  { env: 'KAFKA_TOPIC_DLQ', path: 'kafka.topics.dlq', kind: 'string', default: 'trades_dlq', description: 'dead-letter topic (invalid records, reason in headers)' },
  { env: 'SCHEMA_REGISTRY_URL', path: 'schemaRegistry.url', kind: 'string', default: 'http://127.0.0.1:8081', description: 'Confluent-compatible schema registry' },
  { env: 'CASSANDRA_CONTACT_POINTS', path: 'cassandra.contactPoints', kind: 'list', default: '127.0.0.1:9042', description: 'Cassandra contact points' },
  { env: 'CASSANDRA_LOCAL_DC', path: 'cassandra.localDataCenter', kind: 'string', default: 'datacenter1', description: 'Cassandra local data center' },
  { env: 'CASSANDRA_KEYSPACE', path: 'cassandra.keyspace', kind: 'string', default: 'market_data', description: 'keyspace of the Bronze/Silver/Gold tables' },
  { env: 'CASSANDRA_REPLICATION_FACTOR', path: 'cassandra.replicationFactor', kind: 'int', default: '1', description: 'SimpleStrategy replication factor used by `cassandra init`' },
  { env: 'CASSANDRA_USERNAME', path: 'cassandra.username', kind: 'string', default: '(none)', description: 'Cassandra user (PasswordAuthenticator)' },
  { env: 'CASSANDRA_PASSWORD', path: 'cassandra.password', kind: 'string', default: '(none)', description: 'Cassandra password', secret: true },
  { env: 'TICKFLOW_MAX_OUT_OF_ORDERNESS_MS', path: 'pipeline.maxOutOfOrdernessMs', kind: 'int', default: '600000', description: 'watermark = newest event time − this (10 min as in the original design)' },
  { env: 'TICKFLOW_IDLE_TIMEOUT_MS', path: 'pipeline.idleTimeoutMs', kind: 'int', default: '60000', description: 'advance the watermark on the wall clock after this long without data' },
  { env: 'TICKFLOW_ALLOWED_LATENESS_MS', path: 'pipeline.allowedLatenessMs', kind: 'int', default: '0', description: 'keep windows open this long after the watermark passes them' },
  { env: 'TICKFLOW_MAX_FUTURE_MS', path: 'pipeline.maxFutureMs', kind: 'int', default: '5000', description: 'reject trades stamped further than this in the future' },
  { env: 'TICKFLOW_MAX_IN_FLIGHT_RECORDS', path: 'pipeline.maxInFlightRecords', kind: 'int', default: '50000', description: 'records read from Kafka whose writes are not yet durable; the processor stops reading at this many (bounds memory while Cassandra is slow or down)' },
  { env: 'TICKFLOW_REPLAY_UNIT', path: 'pipeline.replayUnit', kind: 'string', default: '5m', description: 'what a processor crash re-reads from Kafka: 5m (commits follow 5-minute windows; the 1h rollup is seeded from Gold 5m bars) or 1h (commits follow hours; no Gold reads)' },
  { env: 'TICKFLOW_DEMO_SOURCE', path: 'demo.source', kind: 'string', default: 'auto', description: 'demo input: auto (Finnhub with a key, else replay, else synthetic), replay, synthetic, finnhub' },
  { env: 'TICKFLOW_FIXTURES', path: 'demo.fixtures', kind: 'string', default: '../shared/fixtures', description: 'folder with the recorded trades the demo replays' },
  { env: 'TICKFLOW_DEMO_SPEED', path: 'demo.speed', kind: 'number', default: '120', description: 'replay pace (× real time)' },
  { env: 'TICKFLOW_METRICS_HOST', path: 'metrics.host', kind: 'string', default: '0.0.0.0', description: 'address of the /metrics, /healthz, /readyz server' },
  { env: 'TICKFLOW_METRICS_PORT', path: 'metrics.port', kind: 'int', default: '9464', description: 'port of the /metrics, /healthz, /readyz server (0 = any free port)' },
  { env: 'TICKFLOW_API_TOKEN', path: 'api.token', kind: 'string', default: '(none)', description: 'static bearer token for /api/* (without any auth only 127.0.0.1 may read)', secret: true },
  { env: 'TICKFLOW_API_JWT_SECRET', path: 'api.jwtSecret', kind: 'string', default: '(none)', description: 'HS256 secret verifying JWT bearer tokens for /api/*', secret: true },
  { env: 'TICKFLOW_API_JWKS_URL', path: 'api.jwksUrl', kind: 'string', default: '(none)', description: 'JWKS URL verifying JWT bearer tokens for /api/*' },
  { env: 'TICKFLOW_API_RATE_PER_SECOND', path: 'api.ratePerSecond', kind: 'number', default: '20', description: 'API requests per second per client (token bucket refill)' },
  { env: 'TICKFLOW_API_BURST', path: 'api.burst', kind: 'int', default: '40', description: 'API requests a client may make at once (token bucket size)' },
];
