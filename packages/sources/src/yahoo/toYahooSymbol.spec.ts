import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toYahooSymbol } from './toYahooSymbol.js';

const SYMBOLS = readFileSync(fileURLToPath(new URL('../../test/fixtures/yahoo/symbols-5000.txt', import.meta.url)), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('toYahooSymbol', () => {
  it.each([
    // US class shares in Finnhub / exchange (ACT) notation, slash and space notation → Yahoo's dash.
    ['BRK.B', 'BRK-B'],
    ['BRK/B', 'BRK-B'],
    ['BRK B', 'BRK-B'],
    ['BRK.A', 'BRK-A'],
    ['BF.B', 'BF-B'],
    ['BF/A', 'BF-A'],
    ['PBR.A', 'PBR-A'],
    ['CIG.C', 'CIG-C'],
    ['HEI.A', 'HEI-A'],
    ['MOG.A', 'MOG-A'],
    ['F.B', 'F-B'],
    ['GOOGL.B', 'GOOGL-B'],
    ['brk.b', 'brk-b'],
    ['  BRK.B ', 'BRK-B'],
    // Already Yahoo's spelling, or not a class share.
    ['BRK-B', 'BRK-B'],
    ['AAPL', 'AAPL'],
    ['F', 'F'],
    ['EURUSD=X', 'EURUSD=X'],
    ['^GSPC', '^GSPC'],
    ['BTC-USD', 'BTC-USD'],
    ['ES=F', 'ES=F'],
    ['GC=F', 'GC=F'],
    ['BINANCE:BTCUSDT', 'BINANCE:BTCUSDT'],
    // Exchange-suffixed listings: two or more letters, a digits root, or one of Yahoo's one-letter exchanges.
    ['SHOP.TO', 'SHOP.TO'],
    ['SAP.DE', 'SAP.DE'],
    ['OCDO.L', 'OCDO.L'],
    ['VOD.L', 'VOD.L'],
    ['7203.T', '7203.T'],
    ['SONY.T', 'SONY.T'],
    ['MSF.F', 'MSF.F'],
    ['ABC.V', 'ABC.V'],
    ['0700.HK', '0700.HK'],
    ['0P000071W8.TO', '0P000071W8.TO'],
    ['600519.SS', '600519.SS'],
    ['BBD-B.TO', 'BBD-B.TO'],
    // Units, warrants, rights (ACT notation): not share classes, left as given.
    ['AAC.U', 'AAC.U'],
    ['ACHR.W', 'ACHR.W'],
    ['AIIA.R', 'AIIA.R'],
    ['ACHR/W', 'ACHR/W'],
    ['ACHR.WS', 'ACHR.WS'],
    // Preferreds: not translated (no recorded Yahoo answer shows its spelling; ADR 0096).
    ['BAC$K', 'BAC$K'],
    ['BACpK', 'BACpK'],
    ['BAC.PR.K', 'BAC.PR.K'],
    ['PHXE$', 'PHXE$'],
    // Roots longer than 5 letters or with digits are not US class shares.
    ['ABCDEF.B', 'ABCDEF.B'],
    ['AB1.B', 'AB1.B'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(toYahooSymbol(input)).toBe(expected);
  });

  it('translates the class shares of the real US listing sample and leaves the rest of it alone', () => {
    const changed = SYMBOLS.filter((s) => toYahooSymbol(s) !== s);
    expect(changed.map((s) => `${s}→${toYahooSymbol(s)}`).sort()).toEqual(
      ['AGM.A→AGM-A', 'AKO.A→AKO-A', 'BRK.B→BRK-B', 'CRD.B→CRD-B', 'GTN.A→GTN-A', 'HEI.A→HEI-A', 'HVT.A→HVT-A', 'MOG.A→MOG-A'].sort(),
    );
    // Every plain symbol, every preferred ($) and every unit/warrant/right (.U/.W/.R) is unchanged.
    for (const s of SYMBOLS) if (!/\.[A-C]$/.test(s)) expect(toYahooSymbol(s)).toBe(s);
  });

  const symbolish = fc.string({ unit: fc.constantFrom(...'ABCFLRTUVWXYZabl0179./ -=^$:'.split('')), maxLength: 9 });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.oneof(symbolish, fc.string()), (s) => {
        const once = toYahooSymbol(s);
        expect(toYahooSymbol(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('changes at most the separator and never the length of the trimmed symbol (property)', () => {
    fc.assert(
      fc.property(symbolish, (s) => {
        const t = s.trim();
        const out = toYahooSymbol(s);
        expect(out.length).toBe(t.length);
        if (out !== t) {
          expect(out.slice(0, -2)).toBe(t.slice(0, -2));
          expect(out.at(-1)).toBe(t.at(-1));
          expect(out.at(-2)).toBe('-');
          expect(t.at(-2)).toMatch(/^[./ ]$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
