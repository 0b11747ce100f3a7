import { toYahooSymbol } from './toYahooSymbol.js';

/**
 * Which Yahoo symbol each configured symbol is asked as, and back: the caller's spellings are
 * what `yahooQuotes` emits and reports; the Yahoo spellings are what it requests.
 *
 * @internal
 */
export interface SymbolRouting {
  /** The configured symbols, as the caller wrote them (trimmed, exact duplicates removed). */
  readonly callers: readonly string[];
  /** The Yahoo symbol a configured symbol is requested as. */
  yahooOf(caller: string): string;
  /** The configured symbols answered by this Yahoo symbol (case-insensitive); empty for a symbol nobody asked for. */
  callersOf(yahooSymbol: string): readonly string[];
  /** `[caller, yahoo]` pairs whose spellings differ (for the log). */
  readonly translated: ReadonlyArray<readonly [caller: string, yahoo: string]>;
}

const NONE: readonly string[] = [];
const key = (s: string) => s.toUpperCase();

/**
 * Builds the routing of configured symbols to Yahoo symbols: an explicit `symbolMap` entry (exact
 * key first, then case-insensitive) wins; otherwise {@link toYahooSymbol} when `translate` is on;
 * otherwise the symbol as given.
 *
 * @internal
 */
export function createSymbolRouting(callers: readonly string[], translate: boolean, symbolMap: Readonly<Record<string, string>> = {}): SymbolRouting {
  const mapExact = new Map<string, string>();
  const mapLoose = new Map<string, string>();
  for (const [from, to] of Object.entries(symbolMap)) {
    const f = from.trim();
    const t = to.trim();
    mapExact.set(f, t);
    if (!mapLoose.has(key(f))) mapLoose.set(key(f), t);
  }
  const yahooOfCaller = new Map<string, string>();
  const byYahoo = new Map<string, string[]>();
  const translated: Array<readonly [string, string]> = [];
  for (const c of callers) {
    const y = mapExact.get(c) ?? mapLoose.get(key(c)) ?? (translate ? toYahooSymbol(c) : c);
    yahooOfCaller.set(c, y);
    if (y !== c) translated.push([c, y]);
    const list = byYahoo.get(key(y));
    if (list) list.push(c);
    else byYahoo.set(key(y), [c]);
  }
  return {
    callers,
    yahooOf: (c) => yahooOfCaller.get(c) ?? c,
    callersOf: (y) => byYahoo.get(key(y)) ?? NONE,
    translated,
  };
}
