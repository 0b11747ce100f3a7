import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Trade } from '@tickflow/core';
import { ensureTopics, kafkaSink } from '@tickflow/sinks/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { count, from, lastValueFrom } from 'rxjs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';

/** A fresh name per test run so reruns never collide. */
export const uniq = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;

export const newKafka = (clientId = 'tickflow-kafka-it') =>
  new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, retries: 20 } });

export const newRegistry = () => new SchemaRegistry({ host: registryUrl });

/** Creates topics through our own ensureTopics (short retention: they are test topics). */
export async function createTopics(kafka: Kafka, specs: { topic: string; numPartitions: number }[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      specs.map((s) => ({ ...s, retentionMs: 3_600_000 })),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Writes trades to a topic through our kafkaSink (Avro, registry) with a fresh idempotent producer; resolves with the number acknowledged. */
export async function produceTrades(kafka: Kafka, topic: string, trades: Trade[]): Promise<number> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    return await lastValueFrom(from(trades).pipe(kafkaSink<Trade>({ producer, topic, registry: newRegistry() }), count()));
  } finally {
    await producer.disconnect();
  }
}

/** `n` trades over `symbols` symbols with increasing ts, unique ids, some optional fields set. */
export function makeTrades(n: number, symbols = 40, prefix = 't'): Trade[] {
  const out: Trade[] = [];
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    const t: Trade = {
      symbol: i % 7 === 0 ? `BINANCE:SYM${i % symbols}USDT` : `SYM${i % symbols}`,
      price: Math.round((100 + (i % 997) * 0.37) * 100) / 100,
      size: (i % 13) + 1,
      ts: t0 + i,
      id: `${prefix}-${i}`,
    };
    if (i % 3 === 0) t.conditions = ['1', String(i % 20)];
    if (i % 2 === 0) t.source = 'replay';
    if (i % 5 === 0) t.receivedAt = t0 + i + 3;
    out.push(t);
  }
  return out;
}

/** Groups values by symbol, keeping order. */
export function bySymbol<T extends { symbol: string }>(xs: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    let l = m.get(x.symbol);
    if (!l) m.set(x.symbol, (l = []));
    l.push(x);
  }
  return m;
}
