import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { memoryInstrumentation, type Trade } from '@tickflow/core';
import { kafkaSink } from '@tickflow/sinks/kafka';
import { type KafkaRecord, kafkaSource } from '@tickflow/sources/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { pidOf } from '../../../scripts/services-lib.mjs';
import { sleep } from '../../support/sleep.js';
import { brokers, createTopics, makeTrades, newKafka, newRegistry, uniq } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Stops and starts the services script's Kafka under the shared lock, so nobody else is left without it. */
async function restartKafka(): Promise<void> {
  const script = `
    const lib = await import('./scripts/services-lib.mjs');
    const stopped = await lib.stopServer('kafka');
    if (!stopped) throw new Error('kafka was not started by services:up; refusing to restart it');
    await new Promise((r) => setTimeout(r, 1500));
    await lib.startServer('kafka');
  `;
  // Without KAFKA_BROKERS in its environment the script treats Kafka as its own (to stop and start), not as external.
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  await promisify(execFile)('flock', ['/tmp/services.lock', process.execPath, '--input-type=module', '-e', script], { cwd: root, env, timeout: 240_000 });
}

describe('kafkaSink across a broker restart (real broker)', () => {
  it('retries through the outage and writes every record exactly once (idempotent producer)', async (ctx) => {
    // Only a Kafka the services script started (it has a pid file) may be restarted, never an external one.
    if (!pidOf('kafka')) ctx.skip();
    const N = 30_000;
    const topic = uniq('it_restart');
    await createTopics(newKafka(), [{ topic, numPartitions: 3 }]);
    // Short producer-level retries so the sink's own retry loop is exercised too.
    const kafka = new Kafka({ clientId: 'tickflow-restart-it', brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, retries: 3 } });
    const producer = kafka.producer({ idempotent: true, retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 3 } });
    await producer.connect();
    const metrics = memoryInstrumentation();
    const input = makeTrades(N, 20, 'rs');
    const src = new Subject<Trade>();
    const acks = lastValueFrom(
      src.pipe(
        kafkaSink<Trade>({
          producer,
          topic,
          registry: newRegistry(),
          batchSize: 500,
          maxBuffered: N,
          retry: { maxAttempts: 200, initialDelayMs: 200, maxDelayMs: 1000 },
          instrumentation: metrics,
        }),
        toArray(),
      ),
    );
    acks.catch(() => {}); // awaited below; avoid an unhandled rejection if the restart step throws first
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < N; i += 500) {
      for (const t of input.slice(i, i + 500)) src.next(t);
      if (i === 10_000) restarted = restartKafka();
      await sleep(i >= 10_000 && i < 20_000 ? 400 : 20); // keep producing while the broker is down
    }
    await restarted;
    src.complete();
    const acked = await acks;
    await producer.disconnect();

    expect(metrics.value('kafka_sink_retries_total')).toBeGreaterThan(0);
    expect(acked).toHaveLength(N);
    expect(new Set(acked.map((a) => a.record.id)).size).toBe(N);

    // Every record is on the topic exactly once.
    const source = kafkaSource<Trade>({ kafka: newKafka(), groupId: uniq('it_restart_reader'), topics: topic, fromBeginning: true, registry: newRegistry() });
    const seen: KafkaRecord<Trade>[] = [];
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      source.subscribe({
        next: (r) => {
          seen.push(r);
          source.ack(r);
          if (seen.length === N) timer = setTimeout(resolve, 3000); // wait for duplicates, if any
          if (seen.length > N) {
            clearTimeout(timer);
            resolve();
          }
        },
        error: reject,
      });
    });
    await source.close();
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((r) => r.value.id)).size).toBe(N);
  }, 300_000);
});
