import type { Quote } from '@tickflow/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { type EarningsCalendar, earningsCalendar } from './earningsCalendar.js';

const DAY = 86_400_000;
// Virtual time starts at 1970-01-01 (a holiday): the first open is Fri 2 Jan 9:30 New York, then Mon 5 Jan.
const OPEN1 = 138_600_000;
const OPEN2 = 397_800_000;

const quote = (symbol: string, fields: Partial<Quote> = {}): Quote => ({ symbol, price: 10, ts: 0, volume: 1, change: 0, changePercent: 0, ...fields });

function scheduler() {
  return new TestScheduler((a, b) => expect(a).toEqual(b));
}

describe('earningsCalendar', () => {
  it('emits at each market open and on demand, the symbols reporting within 7 days', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const all = cold<Quote>('(abcdef)', {
        a: quote('CONF', { earningsTimestamp: OPEN1 + 2 * DAY, earningsTimestampStart: OPEN1 + 2 * DAY, earningsTimestampEnd: OPEN1 + 2 * DAY }),
        b: quote('FAR', { earningsTimestamp: OPEN1 + 9 * DAY }),
        c: quote('WIN', { earningsTimestamp: -50 * DAY, earningsTimestampStart: OPEN1 + 5 * DAY, earningsTimestampEnd: OPEN1 + 8 * DAY }),
        d: quote('PAST', { earningsTimestamp: -50 * DAY, earningsTimestampStart: -40 * DAY, earningsTimestampEnd: -39 * DAY }),
        e: quote('NONE'),
        f: quote('SOON', { earningsTimestamp: 2 * DAY, receivedAt: 5 }),
      });
      const refresh = hot('1000ms r');
      const cal$ = earningsCalendar({ quotes: all, refresh });
      const at = (asOf: number, reason: EarningsCalendar['reason'], entries: EarningsCalendar['entries']): EarningsCalendar => ({
        asOf,
        until: asOf + 7 * DAY,
        reason,
        entries,
      });
      const conf = { symbol: 'CONF', date: OPEN1 + 2 * DAY, windowEnd: OPEN1 + 2 * DAY, estimated: false, asOfQuote: 0 };
      const win = { symbol: 'WIN', date: OPEN1 + 5 * DAY, windowEnd: OPEN1 + 8 * DAY, estimated: true, asOfQuote: 0 };
      const soon = { symbol: 'SOON', date: 2 * DAY, windowEnd: 2 * DAY, estimated: false, asOfQuote: 5 };
      expectObservable(cal$, `^ ${OPEN2 + 10}ms !`).toBe(`1000ms x ${OPEN1 - 1001}ms y ${OPEN2 - OPEN1 - 1}ms z`, {
        // On demand at t=1 s: SOON (2 days ahead) and CONF (3.6 days ahead); WIN's window starts 6.6 days ahead.
        x: at(1000, 'on_demand', [soon, conf, win]),
        // Market open Fri 2 Jan: SOON, CONF and WIN (window opens in 5 days).
        y: at(OPEN1, 'market_open', [soon, conf, win]),
        // Market open Mon 5 Jan: SOON and CONF are past; WIN's window is still ahead; FAR (9 days after Jan 2) is now 6 days ahead.
        z: at(OPEN2, 'market_open', [win, { symbol: 'FAR', date: OPEN1 + 9 * DAY, windowEnd: OPEN1 + 9 * DAY, estimated: false, asOfQuote: 0 }]),
      });
    });
  });

  it('keeps only the latest quote per symbol and stops its timer and subscriptions on unsubscribe', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const quotes = hot<Quote>('a 99ms b', {
        a: quote('X', { earningsTimestamp: 3 * DAY }),
        b: quote('X', { earningsTimestamp: 30 * DAY }),
      });
      const refresh = cold('50ms r 99ms r');
      const cal$ = earningsCalendar({ quotes, refresh, atMarketOpen: false });
      expectObservable(cal$, '^ 500ms !').toBe('50ms x 99ms y', {
        x: { asOf: 50, until: 50 + 7 * DAY, reason: 'on_demand', entries: [{ symbol: 'X', date: 3 * DAY, windowEnd: 3 * DAY, estimated: false, asOfQuote: 0 }] },
        y: { asOf: 150, until: 150 + 7 * DAY, reason: 'on_demand', entries: [] },
      });
      expectSubscriptions(quotes.subscriptions).toBe('^ 500ms !');
    });
  });

  it('passes an error of the quote stream on', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(earningsCalendar({ quotes: cold<Quote>('10ms #', undefined, new Error('boom')) })).toBe('10ms #', undefined, new Error('boom'));
    });
  });
});

describe('earningsCalendar with its own Yahoo poller', () => {
  it('polls Yahoo itself when given symbols instead of quotes', async () => {
    const { createFakeYahooServer } = await import('../testing/fakeYahoo/createFakeYahooServer.js');
    const now = Date.now();
    const server = await createFakeYahooServer({ universe: ['AAPL', 'MSFT', 'IBM'] });
    server.setQuote('AAPL', { earningsTimestamp: Math.floor(now / 1000) + 3 * 86_400 });
    server.setQuote('MSFT', { earningsTimestamp: Math.floor(now / 1000) - 9 * 86_400, earningsTimestampStart: Math.floor(now / 1000) + 30 * 86_400, earningsTimestampEnd: Math.floor(now / 1000) + 31 * 86_400 });
    server.setQuote('IBM', { earningsTimestamp: Math.floor(now / 1000) - 9 * 86_400, earningsTimestampStart: Math.floor(now / 1000) + 86_400, earningsTimestampEnd: Math.floor(now / 1000) + 3 * 86_400 });
    const { Subject, firstValueFrom, filter } = await import('rxjs');
    const refresh = new Subject<void>();
    const cal$ = earningsCalendar({ symbols: ['AAPL', 'MSFT', 'IBM'], baseUrl: server.url, refresh, atMarketOpen: false });
    const first = firstValueFrom(cal$.pipe(filter((c) => c.entries.length > 0)));
    const timer = setInterval(() => refresh.next(), 20);
    const cal = await first;
    clearInterval(timer);
    await server.close();
    expect(cal.entries.map((e) => [e.symbol, e.estimated])).toEqual([
      ['IBM', true],
      ['AAPL', false],
    ]);
  });

  it('needs quotes or symbols', () => {
    expect(() => earningsCalendar({})).toThrow(/pass `quotes`/);
  });
});
