import { memoryInstrumentation } from '@tickflow/core';
import type { JetStreamClient, MsgHdrs, PubAck } from 'nats';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { natsSink } from './natsSink.js';

interface Call {
  subject: string;
  data: string;
  msgID?: string;
  headers: MsgHdrs;
}

/** A fake JetStream client: stores messages, de-duplicates msgIDs, fails on demand. */
function fakeJs(fail: (call: Call, attempt: number) => Error | undefined = () => undefined) {
  const calls: Call[] = [];
  const seen = new Map<string, number>();
  let seq = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const js = {
    publish: async (subject: string, data: Uint8Array, opts: { msgID?: string; headers: MsgHdrs }): Promise<PubAck> => {
      const call: Call = { subject, data: new TextDecoder().decode(data), headers: opts.headers, ...(opts.msgID ? { msgID: opts.msgID } : {}) };
      calls.push(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      const err = fail(call, calls.filter((c) => c.msgID === call.msgID).length);
      if (err) throw err;
      if (opts.msgID && seen.has(opts.msgID)) return { stream: 'S', seq: seen.get(opts.msgID)!, duplicate: true };
      seq++;
      if (opts.msgID) seen.set(opts.msgID, seq);
      return { stream: 'S', seq, duplicate: false };
    },
  };
  return { js: js as unknown as JetStreamClient, calls, maxInFlight: () => maxInFlight };
}
const q = (symbol: string, ts: number) => ({ symbol, price: 10, ts, volume: 1, change: 0, changePercent: 0 });
const natsError = (code: string) => Object.assign(new Error(code), { code });

describe('natsSink (fake JetStream client)', () => {
  it('publishes JSON to the default subject with Nats-Msg-Id symbol|ts and a UUID correlation id', async () => {
    const f = fakeJs();
    const acks = await lastValueFrom(from([q('AAPL', 1), { ...q('MSFT', 2), id: 'm-2' }]).pipe(natsSink({ client: f.js }), toArray()));
    expect(f.calls.map((c) => [c.subject, c.msgID])).toEqual([
      ['data.market.quote', 'AAPL|1'],
      ['data.market.quote', 'm-2'],
    ]);
    expect(JSON.parse(f.calls[0]!.data)).toEqual(q('AAPL', 1));
    const corr = f.calls.map((c) => c.headers.get('X-Correlation-Id'));
    expect(corr[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(corr[0]).not.toBe(corr[1]);
    expect(acks.map((a) => a.meta)).toEqual([
      { subject: 'data.market.quote', stream: 'S', seq: 1, duplicate: false, msgId: 'AAPL|1', correlationId: corr[0] },
      { subject: 'data.market.quote', stream: 'S', seq: 2, duplicate: false, msgId: 'm-2', correlationId: corr[1] },
    ]);
  });

  it('fills subject templates (sanitising dots) and accepts functions, custom ids, extra headers', async () => {
    const f = fakeJs();
    await lastValueFrom(from([q('BRK.B', 1)]).pipe(natsSink({ client: f.js, subject: 'md.{symbol}.q' }), toArray()));
    await lastValueFrom(
      from([q('X', 5)]).pipe(natsSink({ client: f.js, subject: (r) => `fn.${r.ts}`, msgId: (r) => `id${r.ts}`, headers: () => ({ source: 'yahoo' }) }), toArray()),
    );
    await lastValueFrom(from([q('Y', 6)]).pipe(natsSink({ client: f.js, msgId: false }), toArray()));
    expect(f.calls.map((c) => [c.subject, c.msgID])).toEqual([
      ['md.BRK_B.q', 'BRK.B|1'],
      ['fn.5', 'id5'],
      ['data.market.quote', undefined],
    ]);
    expect(f.calls[1]!.headers.get('source')).toBe('yahoo');
  });

  it('reports JetStream duplicates in meta and counts them', async () => {
    const f = fakeJs();
    const inst = memoryInstrumentation();
    const acks = await lastValueFrom(from([q('A', 1), q('A', 1)]).pipe(natsSink({ client: f.js, maxInFlight: 1, instrumentation: inst }), toArray()));
    expect(acks.map((a) => [a.meta?.seq, a.meta?.duplicate])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(inst.total('nats_duplicates_total')).toBe(1);
  });

  it('retries a PubAck timeout with the same message id and correlation id', async () => {
    const f = fakeJs((_c, attempt) => (attempt === 1 ? natsError('TIMEOUT') : undefined));
    const acks = await lastValueFrom(from([q('A', 1)]).pipe(natsSink({ client: f.js, retry: { initialDelayMs: 1 } }), toArray()));
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1]!.msgID).toBe(f.calls[0]!.msgID);
    expect(f.calls[1]!.headers.get('X-Correlation-Id')).toBe(f.calls[0]!.headers.get('X-Correlation-Id'));
    expect(acks[0]!.meta?.seq).toBe(1);
  });

  it('keeps at most maxInFlight publishes waiting for their PubAck, acks in order', async () => {
    const f = fakeJs();
    const records = Array.from({ length: 100 }, (_, i) => q('A', i));
    const acks = await lastValueFrom(from(records).pipe(natsSink({ client: f.js, maxInFlight: 8 }), toArray()));
    expect(f.maxInFlight()).toBeLessThanOrEqual(8);
    expect(f.maxInFlight()).toBeGreaterThan(1);
    expect(acks.map((a) => a.record.ts)).toEqual(records.map((r) => r.ts));
  });

  it('dead-letters records over max_payload or that cannot be encoded, and goes on', async () => {
    const f = fakeJs((c) => (c.msgID === 'A|2' ? natsError('MAX_PAYLOAD_EXCEEDED') : undefined));
    const inst = memoryInstrumentation();
    const dead: string[] = [];
    const circular: Record<string, unknown> = q('A', 3);
    circular.self = circular;
    const acks = await lastValueFrom(
      from([q('A', 1), q('A', 2), circular]).pipe(natsSink({ client: f.js, instrumentation: inst, onInvalid: (d) => dead.push(d.kind) }), toArray()),
    );
    expect(acks.map((a) => a.meta?.deadLetter?.split(':')[0])).toEqual([undefined, 'too_large', 'encode']);
    expect(dead.sort()).toEqual(['encode', 'too_large']); // reported as found (publishes run concurrently); acks stay in order
    expect(inst.total('nats_dead_letters_total')).toBe(2);
  });

  it('errors the stream on a non-retriable failure, and after exhausting retries', async () => {
    const perm = fakeJs(() => natsError('PERMISSIONS_VIOLATION'));
    await expect(firstValueFrom(from([q('A', 1)]).pipe(natsSink({ client: perm.js })))).rejects.toThrow('PERMISSIONS_VIOLATION');
    const noStream = fakeJs(() => natsError('503'));
    await expect(firstValueFrom(from([q('A', 1)]).pipe(natsSink({ client: noStream.js, retry: { maxAttempts: 2, initialDelayMs: 1 } })))).rejects.toThrow(
      /failed after 2 attempts.*ensureStream/,
    );
  });

  it('takes a NatsConnection and calls jetstream() on it', async () => {
    const f = fakeJs();
    const nc = { jetstream: () => f.js } as unknown as import('nats').NatsConnection;
    await lastValueFrom(from([q('A', 1)]).pipe(natsSink({ client: nc }), toArray()));
    expect(f.calls).toHaveLength(1);
  });
});
