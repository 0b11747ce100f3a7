/**
 * Bad input never crashes a source and is never silently lost: fast-check fuzzing of
 * - Finnhub WebSocket frames (finnhubTrades against the fake Finnhub server),
 * - Kafka message bytes (truncated Avro, unknown schema id, wrong magic byte, empty) through
 *   kafkaSource against the real Kafka and schema registry,
 * - Yahoo quote responses (yahooQuotes with an injected fetch).
 * Every case ends as an emitted record or on onInvalid with a reason; the stream keeps going.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type InvalidRecord, type Quote, type Trade, TradeSchema, toAvroRecord, tradeAvroSchema } from '@tickflow/core';
import { validate } from '@tickflow/operators';
import { finnhubTrades } from '@tickflow/sources/finnhub';
import { kafkaSource } from '@tickflow/sources/kafka';
import { createFakeFinnhubServer } from '@tickflow/sources/testing';
import { yahooQuotes } from '@tickflow/sources/yahoo';
import avro from 'avsc';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { until } from '../support/until.js';

const services = inject('services');
const tradeType = avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema);
/** Checks every 5 ms (a fuzz run waits for one frame at a time). */
const FAST = { everyMs: 5 };

/** Values Finnhub fields could plausibly (or implausibly) carry. */
const field = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.boolean(), fc.constant(-1), fc.constant(0), fc.array(fc.string(), { maxLength: 2 }));
const tradeLike = fc.record(
  { s: fc.oneof(fc.constant('AAPL'), fc.string(), fc.integer()), p: fc.oneof(fc.double({ min: 0.01, max: 1e6, noNaN: true }), field), t: fc.oneof(fc.integer({ min: 1_500_000_000_000, max: 1_700_000_000_000 }), field), v: fc.oneof(fc.double({ min: 0.01, max: 1e6, noNaN: true }), field), c: fc.oneof(fc.constant(['1']), field) },
  { requiredKeys: [] },
);
/** A frame: a trade message with fuzzed entries, a fuzzed envelope, or arbitrary text. */
const frame = fc.oneof(
  fc.array(tradeLike, { minLength: 1, maxLength: 5 }).map((data) => ({ kind: 'trade' as const, entries: data.length, text: JSON.stringify({ type: 'trade', data }) })),
  fc.record({ type: fc.oneof(fc.constant('trade'), fc.string()), data: fc.anything() }, { requiredKeys: [] }).map((o) => ({ kind: 'envelope' as const, entries: 0, text: JSON.stringify(o) })),
  fc.string({ minLength: 1 }).map((text) => ({ kind: 'text' as const, entries: 0, text })),
  fc.integer({ min: 1, max: 1000 }).map((n) => ({ kind: 'truncated' as const, entries: 0, text: JSON.stringify({ type: 'trade', data: [{ s: 'AAPL', p: n, t: 1_600_000_000_000, v: 1 }] }).slice(0, n % 40) })),
);

describe('bad input: Finnhub WebSocket frames', () => {
  it('every fuzzed frame ends as valid trades or on onInvalid with a reason (finnhubTrades → validate, as the producer runs it); the stream never errors', async () => {
    const server = await createFakeFinnhubServer({ tokens: ['fuzz-token'] });
    const trades: Trade[] = [];
    const invalid: InvalidRecord[] = [];
    const errors: unknown[] = [];
    // as the producer runs it: the source parses, validate() applies the trade rules; both dead-letter
    const sub = finnhubTrades({ token: 'fuzz-token', url: server.url, symbols: ['AAPL', 'SENTINEL'], onInvalid: (r) => invalid.push(r) })
      .pipe(validate(TradeSchema, { onInvalid: (r) => invalid.push(r), maxFutureMs: 5000 }))
      .subscribe({ next: (t) => trades.push(t), error: (e) => errors.push(e) });
    try {
      await server.waitForSubscription(['AAPL', 'SENTINEL'], 10_000);
      let sentinelTs = 1_600_000_000_000;
      await fc.assert(
        fc.asyncProperty(frame, async (f) => {
          const before = { trades: trades.length, invalid: invalid.length };
          server.sendRaw(f.text);
          // a valid sentinel frame after it: once it arrives, the fuzzed frame has been handled
          const ts = ++sentinelTs;
          server.sendRaw(JSON.stringify({ type: 'trade', data: [{ s: 'SENTINEL', p: 1, t: ts, v: 1 }] }));
          await until('the sentinel', async () => trades.some((t) => t.symbol === 'SENTINEL' && t.ts === ts), 10_000, FAST);
          const got = trades.slice(before.trades).filter((t) => t.symbol !== 'SENTINEL');
          const bad = invalid.slice(before.invalid);
          expect(errors).toEqual([]);
          for (const t of got) expect(TradeSchema.safeParse(t).success, JSON.stringify(t)).toBe(true);
          for (const r of bad) expect(typeof r.reason === 'string' && r.reason.length > 0).toBe(true);
          // a trade frame: each entry is either emitted or rejected with a reason (a rejection may cover the frame)
          if (f.kind === 'trade') expect(got.length + bad.length).toBeGreaterThanOrEqual(Math.min(1, f.entries));
          if (f.kind === 'trade' && bad.length === 0) expect(got.length).toBe(f.entries);
          // text that is not a JSON object is never silently dropped
          if (f.kind === 'text' || f.kind === 'truncated') {
            try {
              JSON.parse(f.text);
            } catch {
              expect(bad.length, `not JSON: ${f.text}`).toBeGreaterThanOrEqual(1);
            }
          }
        }),
        { numRuns: 300, seed: 12 },
      );
      expect(errors).toEqual([]);
    } finally {
      sub.unsubscribe();
      await server.close();
    }
  }, 120_000);
});

describe('bad input: Yahoo quote responses', () => {
  const entry = fc.oneof(
    fc.anything(),
    fc.record(
      {
        symbol: fc.constantFrom('A', 'B', 'C'),
        regularMarketPrice: fc.oneof(fc.double({ min: 0.01, max: 1e5, noNaN: true }), field),
        regularMarketTime: fc.oneof(fc.integer({ min: 1_600_000_000, max: 1_700_000_000 }), field),
        regularMarketChange: fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), field),
        regularMarketChangePercent: fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), field),
      },
      { requiredKeys: ['symbol'] },
    ),
  );
  it('every fuzzed entry ends as a quote or on onInvalid with a reason; garbage bodies fail the batch, never the stream', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(entry, { maxLength: 6 }).map((result) => ({ result, body: JSON.stringify({ quoteResponse: { result } }) })), fc.string().map((body) => ({ result: undefined, body }))), async ({ result, body }) => {
        const fetchStub: typeof fetch = async (input) => {
          const url = String(input);
          if (url.includes('/quote/')) return new Response('', { headers: { 'set-cookie': 'A3=d=x; Path=/' } });
          if (url.includes('getcrumb')) return new Response('abcdefghijk', { headers: { 'content-type': 'text/plain' } });
          return new Response(body, { headers: { 'content-type': 'application/json' } });
        };
        const invalid: InvalidRecord[] = [];
        const quotes: Quote[] = [];
        let failed: string[] = [];
        await new Promise<void>((resolve, reject) => {
          const sub = yahooQuotes({
            symbols: ['A', 'B', 'C'],
            baseUrl: 'http://yahoo.test',
            fetch: fetchStub,
            retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
            rateLimit: { initialRate: 1000, maxRate: 1000 },
            onInvalid: (r) => invalid.push(r),
            onCycle: (s) => {
              failed = s.failed;
              queueMicrotask(() => sub.unsubscribe());
              resolve();
            },
          }).subscribe({ next: (q) => quotes.push(q), error: reject });
        });
        for (const r of invalid) expect(r.reason.length).toBeGreaterThan(0);
        if (result) {
          // only entries of requested symbols count; each is a quote or a reasoned rejection
          const ours = result.filter((e) => !(e && typeof e === 'object' && 'symbol' in e) || ['A', 'B', 'C'].includes((e as { symbol: string }).symbol));
          expect(quotes.length + invalid.length + (failed.length ? ours.length : 0)).toBeGreaterThanOrEqual(Math.min(ours.length, 1));
        } else {
          // an unusable body: nothing emitted that was not valid, and the batch is reported failed or rejected
          expect(failed.length + invalid.length + quotes.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  }, 120_000);
});

describe.skipIf(!services.kafka || !services['schema-registry'])('bad input: Kafka message bytes', () => {
  it('truncated Avro, unknown schema id, wrong magic byte and empty values go to onInvalid with a reason; valid ones pass; the source keeps going', async () => {
    const run = `fuzz${Date.now().toString(36)}`;
    const topic = `${run}_trades`;
    const kafka = new Kafka({ brokers: services.kafka!.split(','), logLevel: logLevel.NOTHING });
    const registry = new SchemaRegistry({ host: services['schema-registry']! });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(tradeAvroSchema) }, { subject: `${topic}-value` });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const kind = fc.constantFrom('valid', 'truncated', 'unknown-id', 'magic', 'empty', 'random');
    const cases = fc.sample(fc.tuple(kind, fc.integer({ min: 1, max: 10_000 }), fc.uint8Array({ minLength: 0, maxLength: 40 })), { numRuns: 200, seed: 99 });
    const expected = { valid: 0, invalid: 0 };
    const messages: { value: Buffer | null }[] = [];
    for (const [k, n, bytes] of cases) {
      const trade: Trade = { symbol: 'AAPL', price: 100 + (n % 50), size: 1 + (n % 9), ts: 1_600_000_000_000 + n, id: `AAPL|${n}` };
      const good = await registry.encode(id, toAvroRecord(tradeType, trade) as never);
      let value: Buffer;
      if (k === 'valid') value = good;
      else if (k === 'truncated') value = good.subarray(0, 5 + (n % (good.length - 6)));
      else if (k === 'unknown-id') value = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, (n % 250) + 1]), good.subarray(5)]);
      else if (k === 'magic') value = Buffer.concat([Buffer.from([1 + (n % 254)]), good.subarray(1)]);
      else if (k === 'empty') value = Buffer.alloc(0);
      else value = Buffer.concat([Buffer.from([n % 2 === 0 ? 0 : 9]), Buffer.from(bytes)]);
      if (k === 'valid') expected.valid++;
      else if (k !== 'random') expected.invalid++;
      messages.push({ value });
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages });
    await producer.disconnect();

    const invalid: { reason: string; offset: string }[] = [];
    const emitted: string[] = [];
    const errors: unknown[] = [];
    const source = kafkaSource<Trade>({ kafka, groupId: `${run}_g`, topics: [topic], registry, fromBeginning: true, onInvalid: (r) => invalid.push({ reason: r.reason, offset: String(r.input.offset) }) });
    const sub = source.subscribe({ next: (r) => emitted.push(String((r as { offset: string | number }).offset)), error: (e) => errors.push(e) });
    try {
      await until('every message to be emitted or rejected', async () => emitted.length + invalid.length >= messages.length || errors.length > 0, 90_000, FAST);
      expect(errors).toEqual([]);
      expect(emitted.length + invalid.length).toBe(messages.length);
      expect(new Set([...emitted, ...invalid.map((i) => i.offset)]).size).toBe(messages.length);
      expect(emitted.length).toBeGreaterThanOrEqual(expected.valid);
      expect(invalid.length).toBeGreaterThanOrEqual(expected.invalid);
      for (const r of invalid) expect(r.reason.length).toBeGreaterThan(0);
      const reasons = invalid.map((r) => r.reason).join('\n');
      expect(reasons).toMatch(/schema id/i);
      expect(reasons).toMatch(/magic/i);
    } finally {
      sub.unsubscribe();
      await source.close({ drainTimeoutMs: 0 }).catch(() => {});
    }
  }, 180_000);
});
