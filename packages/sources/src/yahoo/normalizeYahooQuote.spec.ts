import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QuoteSchema } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { normalizeYahooQuote } from './normalizeYahooQuote.js';

const dir = fileURLToPath(new URL('../../test/fixtures/yahoo/quote/', import.meta.url));

/** Result entries of a recorded response (2025 files keep `bodyJson`, 2021/2022 ones a JSON string in `body`). */
function entriesOf(file: string): Record<string, unknown>[] {
  const rec = JSON.parse(readFileSync(dir + file, 'utf8')) as { response: { bodyJson?: unknown; body?: string } };
  const body = (rec.response.bodyJson ?? JSON.parse(rec.response.body as string)) as { quoteResponse: { result: Record<string, unknown>[] } };
  return body.quoteResponse.result;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('normalizeYahooQuote over every recorded quote fixture', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBe(40);
  });

  for (const file of files) {
    it(`normalises or rejects every entry of ${file}`, () => {
      for (const raw of entriesOf(file)) {
        const r = normalizeYahooQuote(raw, 1_700_000_000_000);
        if (r.ok) {
          expect(QuoteSchema.safeParse(r.quote).success).toBe(true);
          expect(r.quote.symbol).toBe(raw.symbol);
          expect(r.quote.price).toBe(raw.regularMarketPrice);
          expect(r.quote.ts).toBe((raw.regularMarketTime as number) * 1000);
          expect(r.quote.change).toBe(raw.regularMarketChange);
          expect(r.quote.changePercent).toBe(raw.regularMarketChangePercent);
          expect(r.quote.volume).toBe(raw.regularMarketVolume ?? 0);
          expect(r.quote.currency).toBe(raw.currency);
          expect(r.quote.marketState).toBe(raw.marketState);
          for (const f of ['earningsTimestamp', 'earningsTimestampStart', 'earningsTimestampEnd'] as const) {
            expect(r.quote[f]).toBe(typeof raw[f] === 'number' ? (raw[f] as number) * 1000 : undefined);
          }
          expect(r.quote.receivedAt).toBe(1_700_000_000_000);
          expect(r.quote.source).toBe('yahoo');
        } else {
          expect(r.reason).toMatch(/^[a-zA-Z]+: /);
          expect(r.symbol).toBe(raw.symbol);
        }
      }
    });
  }

  it('accepts the tradable quotes and rejects the ones without price or change, naming the Yahoo field', () => {
    const outcome = new Map<string, string>();
    for (const file of files) {
      for (const raw of entriesOf(file)) {
        const r = normalizeYahooQuote(raw);
        outcome.set(`${file}:${String(raw.symbol)}`, r.ok ? 'ok' : r.reason);
      }
    }
    const rejected = [...outcome].filter(([, v]) => v !== 'ok');
    expect(rejected.map(([k]) => k).sort()).toEqual([
      'quote-ADH.json:ADH',
      'quote-BRKS.json:BRKS',
      'quote-MSFT-fields-beta.json:MSFT',
      'quote-SI.json:SI',
      'quote-SIMP.json:SIMP',
      'quote-TSLA-fields-symbol-shortName.json:TSLA',
      'quote-TSLA-fields-symbol.json:TSLA',
    ]);
    expect(outcome.get('quote-BRKS.json:BRKS')).toBe('price: Yahoo field regularMarketPrice is missing (quoteType NONE)');
    expect(outcome.get('quote-MSFT-fields-beta.json:MSFT')).toBe('change: Yahoo field regularMarketChange is missing (quoteType EQUITY)');
    // A mutual fund without volume is kept, with volume 0 (ADR 0033).
    expect(outcome.get('quote-0P000071W8.TO.json:0P000071W8.TO')).toBe('ok');
    // 39 entries in 36 non-empty answers (4 answers are empty: unknown symbols are left out).
    expect(outcome.size).toBe(39);
    expect([...outcome.values()].filter((v) => v === 'ok').length).toBe(32);
  });

  it('keeps AAPL exactly as recorded (2025 response)', () => {
    const [aapl] = entriesOf('quote-AAPL.json');
    const r = normalizeYahooQuote(aapl);
    expect(r).toEqual({
      ok: true,
      quote: {
        symbol: 'AAPL',
        price: 244.6,
        ts: 1739566800000,
        volume: 40896227,
        change: 3.0700073,
        changePercent: 1.2710667,
        currency: 'USD',
        marketState: 'CLOSED',
        exchange: 'NMS',
        quoteType: 'EQUITY',
        bid: 244.44,
        ask: 253.37,
        dayHigh: 245.41,
        dayLow: 241,
        previousClose: 241.53,
        earningsTimestamp: 1738272600000,
        earningsTimestampStart: 1746010740000,
        earningsTimestampEnd: 1746446400000,
        source: 'yahoo',
      },
    });
  });
});

describe('normalizeYahooQuote on bad input', () => {
  const good = { symbol: 'X', regularMarketPrice: 1, regularMarketTime: 10, regularMarketChange: 0, regularMarketChangePercent: 0 };
  it.each([
    [null, '(root)'],
    ['AAPL', '(root)'],
    [[good], '(root)'],
    [{ ...good, symbol: 42 }, 'symbol'],
    [{ ...good, regularMarketPrice: -3 }, 'price'],
    [{ ...good, regularMarketPrice: 0 }, 'price'],
    [{ ...good, regularMarketPrice: '12.5' }, 'price'],
    [{ ...good, regularMarketTime: null }, 'ts'],
    [{ ...good, regularMarketVolume: -1 }, 'volume'],
    [{ ...good, regularMarketChange: Number.NaN }, 'change'],
  ])('rejects %j at field %s without throwing', (raw, field) => {
    const r = normalizeYahooQuote(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.reason.length).toBeGreaterThan(5);
    }
  });

  it('reads formatted {raw, fmt} values', () => {
    const r = normalizeYahooQuote({ ...good, regularMarketPrice: { raw: 12.5, fmt: '12.50' } });
    expect(r.ok && r.quote.price).toBe(12.5);
  });
});
