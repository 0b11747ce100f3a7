import { randomUUID } from 'node:crypto';
import type { Quote } from '@tickflow/core';
import { ensureStream, natsSink } from '@tickflow/sinks/nats';
import { AckPolicy, connect, DeliverPolicy, JSONCodec, type NatsConnection } from 'nats';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = randomUUID().slice(0, 8);
const quote = (symbol: string, ts: number, price = 100): Quote => ({ symbol, price, ts, volume: 1000, change: 0.5, changePercent: 0.5 });

describe('natsSink against nats-server (JetStream)', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });

  const makeStream = async (suffix: string) => {
    const name = `TEST_${run}_${suffix}`;
    const prefix = `t${run}.${suffix}`;
    streams.push(name);
    await ensureStream(nc, { name, subjects: [`${prefix}.>`], maxAgeMs: 3600_000, duplicateWindowMs: 60_000, storage: 'memory' });
    return { name, prefix };
  };

  const readAll = async (stream: string, n: number) => {
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const c = `c${randomUUID().slice(0, 8)}`;
    await jsm.consumers.add(stream, { durable_name: c, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
    const consumer = await js.consumers.get(stream, c);
    const out: { subject: string; data: unknown; headers: Record<string, string> }[] = [];
    if (n === 0) return out;
    const messages = await consumer.fetch({ max_messages: n, expires: 2000 });
    for await (const m of messages) {
      const headers: Record<string, string> = {};
      for (const [k, v] of m.headers ?? []) headers[k] = v[0]!;
      out.push({ subject: m.subject, data: JSONCodec().decode(m.data), headers });
    }
    return out;
  };

  it('round-trips records through a subject template and acks with the PubAck sequence', async () => {
    const { name, prefix } = await makeStream('rt');
    const records = [quote('AAPL', 1), quote('MSFT', 2), quote('BINANCE:BTC.USDT', 3)];
    const acks = await firstValueFrom(from(records).pipe(natsSink({ client: nc, subject: `${prefix}.{symbol}` }), toArray()));
    expect(acks.map((a) => a.record)).toEqual(records);
    expect(acks.map((a) => a.meta?.seq)).toEqual([1, 2, 3]);
    expect(acks.every((a) => a.meta?.stream === name && a.meta.duplicate === false)).toBe(true);
    const stored = await readAll(name, 3);
    expect(stored.map((m) => m.subject)).toEqual([`${prefix}.AAPL`, `${prefix}.MSFT`, `${prefix}.BINANCE:BTC_USDT`]);
    expect(stored.map((m) => m.data)).toEqual(records);
    expect(stored[0]!.headers['Nats-Msg-Id']).toBe('AAPL|1');
    expect(stored[0]!.headers['X-Correlation-Id']).toBe(acks[0]!.meta!.correlationId);
    expect(new Set(stored.map((m) => m.headers['X-Correlation-Id'])).size).toBe(3);
  });

  it('JetStream de-duplicates a re-published message id', async () => {
    const { name, prefix } = await makeStream('dup');
    const sink = () => natsSink<Quote>({ client: nc, subject: `${prefix}.quote` });
    const first = await firstValueFrom(from([quote('AAPL', 10), quote('AAPL', 11)]).pipe(sink(), toArray()));
    const again = await firstValueFrom(from([quote('AAPL', 11, 999), quote('AAPL', 12)]).pipe(sink(), toArray()));
    expect(first.map((a) => a.meta?.duplicate)).toEqual([false, false]);
    expect(again.map((a) => a.meta?.duplicate)).toEqual([true, false]);
    expect(again[0]!.meta!.seq).toBe(first[1]!.meta!.seq);
    const info = await (await nc.jetstreamManager()).streams.info(name);
    expect(info.state.messages).toBe(3);
    const stored = await readAll(name, 3);
    expect(stored.map((m) => (m.data as Quote).ts)).toEqual([10, 11, 12]);
    expect((stored[1]!.data as Quote).price).toBe(100);
  });

  it('publishes many records with bounded in-flight publishes, acking all in order', async () => {
    const { name, prefix } = await makeStream('many');
    const records = Array.from({ length: 2000 }, (_, i) => quote(`S${i % 7}`, i));
    const acks = await firstValueFrom(from(records).pipe(natsSink({ client: nc, subject: `${prefix}.{symbol}`, maxInFlight: 32 }), toArray()));
    expect(acks.map((a) => a.record.ts)).toEqual(records.map((r) => r.ts));
    expect(new Set(acks.map((a) => a.meta?.seq)).size).toBe(2000);
    expect((await (await nc.jetstreamManager()).streams.info(name)).state.messages).toBe(2000);
  });

  it('dead-letters a record whose subject cannot be built, and keeps going', async () => {
    const { prefix } = await makeStream('dead');
    const dead: string[] = [];
    const acks = await firstValueFrom(
      from([quote('AAPL', 1), { price: 1, ts: 2 } as unknown as Quote]).pipe(
        natsSink({ client: nc, subject: `${prefix}.{symbol}`, onInvalid: (d) => dead.push(d.reason) }),
        toArray(),
      ),
    );
    expect(acks[0]!.meta?.deadLetter).toBeUndefined();
    expect(acks[1]!.meta?.deadLetter).toMatch(/symbol/);
    expect(dead).toHaveLength(1);
  });

  it('fails with a hint naming ensureStream when no stream captures the subject', async () => {
    const err = await firstValueFrom(
      from([quote('AAPL', 1)]).pipe(natsSink({ client: nc, subject: `nostream${run}.quote`, retry: { maxAttempts: 2, initialDelayMs: 10 } })),
    ).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/ensureStream/);
  });

  it('ensureStream updates limits of an existing stream and is idempotent', async () => {
    const { name, prefix } = await makeStream('cfg');
    const info = await ensureStream(nc, { name, subjects: [`${prefix}.>`], maxMsgs: 10, maxAgeMs: 60_000, duplicateWindowMs: 30_000, storage: 'memory' });
    expect(info.config.max_msgs).toBe(10);
    expect(info.config.duplicate_window).toBe(30_000 * 1e6);
    const same = await ensureStream(nc, { name, subjects: [`${prefix}.>`], maxMsgs: 10, maxAgeMs: 60_000, duplicateWindowMs: 30_000, storage: 'memory' });
    expect(same.config.max_msgs).toBe(10);
    await expect(ensureStream(nc, { name, subjects: [`${prefix}.>`], storage: 'file' })).rejects.toThrow(/storage/);
  });

  it('retries while no stream captures the subject, and succeeds once one is created', async () => {
    const name = `TEST_${run}_late`;
    streams.push(name);
    const subject = `late${run}.quote`;
    setTimeout(() => void ensureStream(nc, { name, subjects: [`late${run}.>`], storage: 'memory' }), 300);
    const acks = await firstValueFrom(
      from([quote('AAPL', 1), quote('AAPL', 2)]).pipe(natsSink({ client: nc, subject, retry: { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 200 } }), toArray()),
    );
    // Both were retried independently, so either may have been stored first (see maxInFlight).
    expect(acks.map((a) => a.record.ts)).toEqual([1, 2]);
    expect(acks.map((a) => a.meta?.stream)).toEqual([name, name]);
    expect(acks.map((a) => a.meta?.seq).sort()).toEqual([1, 2]);
  });

  it('ensureStream accepts maxAge/duplicateWindow (ms) as the issue spells them', async () => {
    const name = `TEST_${run}_alias`;
    streams.push(name);
    const info = await ensureStream(nc, { name, subjects: [`alias${run}.>`], maxAge: 5_000, maxMsgs: 7, duplicateWindow: 2_000, storage: 'memory' });
    expect(info.config.max_age).toBe(5_000 * 1e6);
    expect(info.config.duplicate_window).toBe(2_000 * 1e6);
    expect(info.config.max_msgs).toBe(7);
  });
});
