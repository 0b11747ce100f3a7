import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { consoleSink } from './consoleSink.js';

const trade = { symbol: 'AAPL', price: 189.5, size: 100, ts: Date.UTC(2024, 0, 2, 15), id: 't1' };
const bar = {
  symbol: 'AAPL', interval: '5m', start: Date.UTC(2024, 0, 2, 15), end: Date.UTC(2024, 0, 2, 15, 5),
  open: 1, high: 3, low: 0.5, close: 2, volume: 10, count: 4, vwap: 1.7,
};

describe('consoleSink', () => {
  it('prints one JSON line per record and acks each in order', async () => {
    const lines: string[] = [];
    const acks = await lastValueFrom(from([trade, bar]).pipe(consoleSink({ write: (l) => lines.push(l) }), toArray()));
    expect(lines.map((l) => JSON.parse(l))).toEqual([trade, bar]);
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(acks.map((a) => a.record)).toEqual([trade, bar]);
    expect(acks[0]?.meta).toEqual({ sink: 'console' });
  });

  it('prints trades and bars readably with format pretty', async () => {
    const lines: string[] = [];
    await lastValueFrom(from<unknown[]>([trade, bar, { other: 1 }]).pipe(consoleSink({ format: 'pretty', write: (l) => lines.push(l) }), toArray()));
    expect(lines[0]).toBe('AAPL 2024-01-02T15:00:00.000Z 189.5 x 100 #t1\n');
    expect(lines[1]).toBe('AAPL 5m 2024-01-02T15:00:00.000Z O 1 H 3 L 0.5 C 2 V 10 n 4 vwap 1.7\n');
    expect(lines[2]).toBe('{"other":1}\n');
  });

  it('never errors on records JSON cannot serialise', async () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const acks = await lastValueFrom(from<unknown[]>([cyclic, { n: 10n }, undefined]).pipe(consoleSink({ write: (l) => lines.push(l) }), toArray()));
    expect(acks).toHaveLength(3);
    expect(lines).toEqual(['[object Object]\n', '{"n":"10"}\n', 'undefined\n']);
  });

  it('uses a custom formatter and falls back to JSON when it throws', async () => {
    const lines: string[] = [];
    const formatter = (r: { symbol: string }) => {
      if (r.symbol === 'BAD') throw new Error('nope');
      return `-> ${r.symbol}`;
    };
    await lastValueFrom(from([{ symbol: 'A' }, { symbol: 'BAD' }]).pipe(consoleSink({ formatter, write: (l) => lines.push(l) }), toArray()));
    expect(lines).toEqual(['-> A\n', '{"symbol":"BAD"}\n']);
  });

  it('rejects an unknown format', () => {
    expect(() => consoleSink({ format: 'xml' as never })).toThrow(/format must be 'json' or 'pretty'/);
  });

  it('passes errors and completion through and unsubscribes upstream (marbles)', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-#', { a: trade, b: trade }, new Error('boom'));
      const out = src.pipe(consoleSink({ write: () => {} }));
      expectObservable(out).toBe('-a-b-#', { a: { record: trade, meta: { sink: 'console' } }, b: { record: trade, meta: { sink: 'console' } } }, new Error('boom'));
      expectSubscriptions(src.subscriptions).toBe('^----!');
      const src2 = cold('-a-b-|', { a: trade, b: trade });
      expectObservable(src2.pipe(consoleSink({ write: () => {} })), '^--!').toBe('-a-', { a: { record: trade, meta: { sink: 'console' } } });
      expectSubscriptions(src2.subscriptions).toBe('^--!');
    });
  });

  it('writes to process.stdout by default', () => {
    const spy: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      spy.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const s = new Subject<typeof trade>();
      s.pipe(consoleSink()).subscribe();
      s.next(trade);
    } finally {
      process.stdout.write = orig;
    }
    expect(spy).toEqual([`${JSON.stringify(trade)}\n`]);
  });
});
