import { randomUUID } from 'node:crypto';
import type { InvalidRecord, Quote } from '@tickflow/core';
import { ensureStream } from '@tickflow/sinks/nats';
import { createFakeYahooServer, type FakeYahooServer } from '@tickflow/sources/testing';
import { yahooQuotes } from '@tickflow/sources/yahoo';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { concat, from, lastValueFrom, map, type Observable, of, take, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotesPipeline } from '../../../examples/reference-app/src/pipelines/quotesPipeline.js';

const run = randomUUID().slice(0, 8);

describe('reference app quote pipeline: Yahoo (fake server) → validate → NATS + Redis latest + earnings flags (+ Kafka leg)', () => {
  let nc: NatsConnection;
  let redis: Redis;
  let yahoo: FakeYahooServer;
  const stream = `QUOTES_${run}`;
  const subject = `q${run}.quote`;
  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await ensureStream(nc, { name: stream, subjects: [`q${run}.>`], storage: 'memory' });
    yahoo = await createFakeYahooServer({ universe: ['AAPL', 'MSFT', 'NVDA'] });
  });
  afterAll(async () => {
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => {});
    await nc.close();
    await redis.del(`${run}:market:AAPL`, `${run}:market:MSFT`, `${run}:market:NVDA`, `${run}:earnings_flag:NVDA`);
    redis.disconnect();
    await yahoo.close();
  });

  it('fans every valid quote out to each sink and dead-letters invalid ones', async () => {
    const soon = Date.now() + 3_600_000;
    yahoo.setQuote('NVDA', { earningsTimestampStart: Math.floor(soon / 1000), earningsTimestampEnd: Math.floor(soon / 1000) });
    const kafkaSeen: Quote[] = [];
    // Stands in for kafkaSink({ producer, topic: 'quotes_raw' }): any operator from quotes to acks.
    const kafka = (q$: Observable<Quote>) =>
      q$.pipe(
        tap((record) => kafkaSeen.push(record)),
        map((record) => ({ record })),
      );
    const invalid: InvalidRecord[] = [];
    const quotes$ = concat(yahooQuotes({ symbols: ['AAPL', 'MSFT', 'NVDA'], baseUrl: yahoo.url }).pipe(take(3)), of({ symbol: 'BAD', price: -1 }));
    const acks = await lastValueFrom(quotesPipeline({ quotes$, nats: nc, natsSubject: subject, redis, redisKeyPrefix: `${run}:`, kafka, onInvalid: (r) => invalid.push(r) }).pipe(toArray()));
    const by = (sink: string) => acks.filter((a) => a.sink === sink).map((a) => a.ack.record.symbol).sort();
    expect(by('nats')).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(by('redis')).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(by('flags')).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(by('kafka')).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.reason).toMatch(/price/);
    expect((await (await nc.jetstreamManager()).streams.info(stream)).state.messages).toBe(3);
    const cached = await redis.hgetall(`${run}:market:AAPL`);
    expect(Number(cached.price)).toBeGreaterThan(0);
    expect(await redis.pttl(`${run}:market:AAPL`)).toBeGreaterThan(50_000);
    expect(await redis.get(`${run}:earnings_flag:NVDA`)).toBe(String(Math.floor(soon / 1000) * 1000));
    const flagged = acks.filter((a) => a.sink === 'flags' && !(a.ack.meta as { skipped?: boolean }).skipped).map((a) => a.ack.record.symbol);
    expect(flagged).toContain('NVDA');
    expect(kafkaSeen).toHaveLength(3);
  });

  it('needs at least one sink', () => {
    expect(() => quotesPipeline({ quotes$: from([]) })).toThrow(/at least one sink/);
  });
});
