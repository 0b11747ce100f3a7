/**
 * Kafka with SASL/PLAIN for real: a separate, secured KRaft broker on 127.0.0.1:9192 (its own data
 * dir under .services/kafka-sasl-*, the shared broker is untouched), started from the same jars as
 * the services script. The SDK connects through the documented way — the caller's kafkajs client
 * with `ssl`/`sasl` options — writes with kafkaSink and reads back with kafkaSource; a wrong
 * password is refused with an authentication error; the password never shows in what the SDK
 * logs through its instrumentation.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { memoryInstrumentation, type Trade } from '@tickflow/core';
import { jsonEncoder, kafkaSink } from '@tickflow/sinks/kafka';
import { jsonDecoder, kafkaSource } from '@tickflow/sources/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/sleep.js';
import { ROOT } from './driver.js';

const servicesDir = process.env.TICKFLOW_SERVICES_DIR ?? join(ROOT, '.services');
const lib = join(servicesDir, 'kafka', 'lib');
const PORT = Number(process.env.TICKFLOW_SASL_KAFKA_PORT ?? 9192);
const PASSWORD = `sasl-pw-${Date.now().toString(36)}`;
const run = `sasl${Date.now().toString(36)}`;
const dir = join(servicesDir, `kafka-${run}`);
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });

function runJava(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn('java', args, { stdio: 'ignore' }).on('exit', resolve));
}

describe.skipIf(!existsSync(lib) || process.env.TICKFLOW_SKIP_SASL === '1')('Kafka SASL/PLAIN (separate secured broker)', () => {
  let broker: ChildProcess | undefined;
  let skipReason = '';
  beforeAll(async () => {
    if (await portOpen(PORT)) {
      skipReason = `port ${PORT} is taken`;
      return;
    }
    mkdirSync(join(dir, 'data'), { recursive: true });
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-${PASSWORD}" user_admin="admin-${PASSWORD}" user_tickflow="${PASSWORD}";`;
    const props = join(dir, 'server.properties');
    writeFileSync(
      props,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${PORT + 1}`,
        `listeners=SASL_PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${PORT + 1}`,
        `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${PORT}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=SASL_PLAINTEXT',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
        'sasl.enabled.mechanisms=PLAIN',
        'sasl.mechanism.inter.broker.protocol=PLAIN',
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaas}`,
        `log.dirs=${join(dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    const log4j = join(dir, 'log4j.properties');
    writeFileSync(log4j, 'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n');
    const base = ['-Xms256m', '-Xmx256m', `-Dlog4j.configuration=file:${log4j}`, '-cp', `${lib}/*`];
    const format = await runJava([...base, 'kafka.tools.StorageTool', 'format', '-t', 'c2FzbHRpY2tmbG93dGVzdA', '-c', props, '--ignore-formatted']);
    if (format !== 0) throw new Error('formatting the SASL broker storage failed');
    broker = spawn('java', [...base, '-XX:+UseG1GC', 'kafka.Kafka', props], { stdio: 'ignore' });
    const t0 = Date.now();
    while (!(await portOpen(PORT))) {
      if (Date.now() - t0 > 150_000) throw new Error(`the SASL broker did not open ${PORT}`);
      await sleep(500);
    }
  }, 200_000);
  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGKILL');
      await new Promise((r) => broker!.on('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (password: string) =>
    new Kafka({ clientId: 'tickflow-sasl', brokers: [`127.0.0.1:${PORT}`], sasl: { mechanism: 'plain', username: 'tickflow', password }, logLevel: logLevel.NOTHING, retry: { retries: 2 } });

  it('kafkaSink and kafkaSource work through a SASL/PLAIN client; the password is never logged', async (ctx) => {
    if (skipReason) ctx.skip();
    const kafka = client(PASSWORD);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${run}_trades`, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const inst = memoryInstrumentation();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const trades: Trade[] = Array.from({ length: 200 }, (_, i) => ({ symbol: i % 2 ? 'AAPL' : 'MSFT', price: 100 + i, size: 1, ts: 1_600_000_000_000 + i, id: `t${i}` }));
    const acks = await lastValueFrom(from(trades).pipe(kafkaSink<Trade>({ producer, topic: `${run}_trades`, key: (t) => t.symbol, encoder: jsonEncoder(), instrumentation: inst }), toArray()));
    expect(acks).toHaveLength(200);
    await producer.disconnect();

    const got: Trade[] = [];
    const source = kafkaSource<Trade>({ kafka, groupId: `${run}_g`, topics: [`${run}_trades`], fromBeginning: true, decoder: jsonDecoder(), instrumentation: inst });
    const sub = source.subscribe((r) => {
      got.push(r.value as Trade);
      source.ack(r);
    });
    const t0 = Date.now();
    while (got.length < 200 && Date.now() - t0 < 60_000) await sleep(100);
    sub.unsubscribe();
    await source.close({ drainTimeoutMs: 0 }).catch(() => {});
    expect(new Set(got.map((t) => t.id)).size).toBe(200);
    expect(JSON.stringify(inst)).not.toContain(PASSWORD);
  }, 120_000);

  it('a wrong password is refused with an authentication error', async (ctx) => {
    if (skipReason) ctx.skip();
    const admin = client(`${PASSWORD}-wrong`).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|authenticat/i);
    await admin.disconnect().catch(() => {});
  }, 60_000);
});
