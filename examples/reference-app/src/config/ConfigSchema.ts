import { z } from 'zod';
import { ApiConfigSchema } from '../api/ApiConfigSchema.js';

const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');
const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'expected an http(s) URL, e.g. http://127.0.0.1:8081');
const wsUrl = z.string().regex(/^wss?:\/\/[^\s]+$/, 'expected a ws(s) URL, e.g. wss://ws.finnhub.io');
const symbol = z.string().regex(/^[A-Za-z0-9.:^=_/-]{1,40}$/, 'expected a ticker such as AAPL or BINANCE:BTCUSDT');
const port = z.number().int().min(0).max(65535);
const ms = z.number().int().min(0);
const topic = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)');

/** Default symbols: a few US stocks plus Binance crypto pairs (crypto trades around the clock). */
export const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'AMZN', 'TSLA', 'BINANCE:BTCUSDT', 'BINANCE:ETHUSDT'] as const;

/**
 * The whole reference-app configuration. Every field has a default that works on one machine with
 * `npm run services:up`; the file `tickflow.config.json` and the environment override it (see
 * {@link ENV_SETTINGS} and docs/guides/reference-app.md).
 */
export const ConfigSchema = z
  .object({
    symbols: z.array(symbol).min(1, 'give at least one symbol').default([...DEFAULT_SYMBOLS]),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    finnhub: z
      .object({
        apiKey: z.string().min(1).optional(),
        url: wsUrl.default('wss://ws.finnhub.io'),
        staleTimeoutMs: ms.default(90_000),
      })
      .strict()
      .prefault({}),
    yahoo: z
      .object({
        symbols: z.array(symbol).default([]),
        intervalMs: z.number().int().min(1000).default(15_000),
        baseUrl: httpUrl.optional(),
      })
      .strict()
      .prefault({}),
    kafka: z
      .object({
        brokers: z.array(hostPort).min(1).default(['127.0.0.1:9092']),
        clientId: z.string().min(1).default('tickflow'),
        groupId: z.string().min(1).default('tickflow-processor'),
        topics: z
          .object({
            trades: topic.default('trades_raw'),
            crypto: topic.default('crypto_raw'),
            quotes: topic.default('quotes_raw'),
            dlq: topic.default('trades_dlq'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    nats: z
      .object({ url: z.string().regex(/^(nats|tls):\/\/\S+$/, 'expected nats://host:port').optional() })
      .strict()
      .prefault({}),
    redis: z
      .object({ url: z.string().regex(/^rediss?:\/\/\S+$/, 'expected redis://host:port').optional() })
      .strict()
      .prefault({}),
    schemaRegistry: z
      .object({ url: httpUrl.default('http://127.0.0.1:8081') })
      .strict()
      .prefault({}),
    cassandra: z
      .object({
        contactPoints: z.array(hostPort).min(1).default(['127.0.0.1:9042']),
        localDataCenter: z.string().min(1).default('datacenter1'),
        keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'expected a lower-case CQL identifier').default('market_data'),
        replicationFactor: z.number().int().min(1).default(1),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    pipeline: z
      .object({
        maxOutOfOrdernessMs: ms.default(600_000),
        idleTimeoutMs: ms.default(60_000),
        allowedLatenessMs: ms.default(0),
        maxFutureMs: ms.default(5_000),
        maxInFlightRecords: z.number().int().min(1).default(50_000),
        replayUnit: z.enum(['5m', '1h']).default('5m'),
      })
      .strict()
      .prefault({}),
    demo: z
      .object({
        source: z.enum(['auto', 'replay', 'synthetic', 'finnhub']).default('auto'),
        fixtures: z.string().min(1).optional(),
        speed: z.number().positive().default(120),
        ratePerSecond: z.number().positive().default(50),
        maxOutOfOrdernessMs: ms.default(5_000),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(9464),
      })
      .strict()
      .prefault({}),
    /** Query API auth and rate limits (docs/adr/0080-api-auth.md). */
    api: ApiConfigSchema.prefault({}),
  })
  .strict();

/** The validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;
