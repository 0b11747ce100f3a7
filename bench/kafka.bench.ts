/**
 * kafkaSink against raw kafkajs `producer.send()` doing the same writes in the same run: the same
 * Avro trades in the Confluent wire format (schema id looked up once, values encoded with the
 * registry client's own avsc type), the same batch size, one batch in flight, acks = -1, the same
 * compression, the same idempotent producer, into the same 10-partition topic, keyed by symbol.
 *
 *   npx tsx bench/kafka.bench.ts
 *   BENCH_KAFKA_MSGS=1000000 BENCH_KAFKA_BATCH=2000 BENCH_KAFKA_COMPRESSION=gzip npx tsx bench/kafka.bench.ts
 *
 * Needs Kafka and the schema registry (node scripts/services.mjs up kafka schema-registry;
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL override). Rounds alternate (raw, sink, raw, sink) so
 * broker-side drift hits both alike.
 */
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { toAvroRecord, type Trade, tradeAvroSchema } from '@tickflow/core';
import type avro from 'avsc';
import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs';
import { from, lastValueFrom } from 'rxjs';
import { ensureTopics, kafkaSink } from '../packages/sinks/src/kafka/index.js';
import { compareRounds } from './lib/compareRounds.js';
import { type Measured, measure } from './lib/measure.js';
import { printRatio } from './lib/printRatio.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const MSGS = Number(process.env.BENCH_KAFKA_MSGS ?? 200_000);
const BATCH = Number(process.env.BENCH_KAFKA_BATCH ?? 1000);
const ROUNDS = Number(process.env.BENCH_KAFKA_ROUNDS ?? 4);
const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP }[process.env.BENCH_KAFKA_COMPRESSION ?? 'none'] ?? CompressionTypes.None;
const TOPIC = `bench_kafka_${randomUUID().slice(0, 8)}`;

const kafka = new Kafka({ clientId: 'tickflow-bench', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.ERROR });
const registry = new SchemaRegistry({ host: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081' });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, [{ topic: TOPIC, numPartitions: 10, retentionMs: 3_600_000 }]);
const producer = kafka.producer({ idempotent: true });
await producer.connect();

const trades = (n: number, tag: string): Trade[] =>
  Array.from({ length: n }, (_, i) => ({
    symbol: `S${i % 100}`,
    price: 100 + (i % 997) / 100,
    size: (i % 13) + 1,
    ts: 1_700_000_000_000 + i,
    id: `${tag}-${i}`,
    ...(i % 3 === 0 ? { conditions: ['1', '12'] } : {}),
    source: 'bench',
  }));

// The baseline encodes exactly like the registry client does (its own avsc type + 5-byte header).
const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(tradeAvroSchema) }, { subject: `${TOPIC}-value` });
const type = (await registry.getSchema(id)) as unknown as avro.Type;
const header = Buffer.alloc(5);
header.writeInt32BE(id, 1);

async function raw(n: number, tag: string): Promise<Measured> {
  const input = trades(n, tag);
  return measure(async () => {
    for (let i = 0; i < input.length; i += BATCH) {
      const messages: Message[] = [];
      for (const t of input.slice(i, i + BATCH)) {
        const body = type.toBuffer(toAvroRecord(type, t));
        messages.push({ key: t.symbol, value: Buffer.concat([header, body], 5 + body.length) });
      }
      await producer.send({ topic: TOPIC, messages, acks: -1, compression: COMPRESSION });
    }
  });
}

async function sink(n: number, tag: string): Promise<Measured> {
  const input = trades(n, tag);
  return measure(() => lastValueFrom(from(input).pipe(kafkaSink<Trade>({ producer, topic: TOPIC, registry, batchSize: BATCH, compression: COMPRESSION, maxBuffered: n }))));
}

try {
  await raw(5000, 'wr');
  await sink(5000, 'ws');
  const result = await compareRounds({
    total: MSGS,
    rounds: ROUNDS,
    alternate: false,
    labels: { baseline: 'raw producer.send', ours: 'kafkaSink', unit: 'msg' },
    baseline: raw,
    ours: sink,
  });
  const { total } = result;
  console.log(`\n${total} Avro trades each, batch ${BATCH}, acks -1, idempotent, compression ${process.env.BENCH_KAFKA_COMPRESSION ?? 'none'}`);
  printRatio(result, { baseline: 'raw kafkajs producer.send (baseline)', ours: 'kafkaSink', unit: 'msg', goal: '>= 0.9x and >= 100000 msg/s', median: false });
  console.log(`  client CPU per message: raw ${(result.baseline.cpuUs / total).toFixed(1)} µs, kafkaSink ${(result.ours.cpuUs / total).toFixed(1)} µs`);
} finally {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [TOPIC] }).catch(() => {});
  await admin.disconnect();
}
