/**
 * Yahoo's one-letter exchange suffixes (`VOD.L` London, `7203.T` Tokyo, `SAP.F` Frankfurt,
 * `ABC.V` TSX Venture): after a dot these name an exchange, not a share class.
 */
const YAHOO_ONE_LETTER_EXCHANGES = new Set(['F', 'L', 'T', 'V']);

/**
 * Letters that, after a dot, are US instrument suffixes rather than share classes in the
 * exchanges' (ACT/CQS) notation: units `.U`, warrants `.W`, rights `.R`. Yahoo spells those
 * differently and no recorded Yahoo answer shows how, so they are left as given (ADR 0096).
 */
const US_INSTRUMENT_SUFFIXES = new Set(['U', 'W', 'R']);

/** A letters-only root of 1–5 letters, one separator (`.`, `/` or a space), one class letter. */
const CLASS_SHARE = /^([A-Za-z]{1,5})([./ ])([A-Za-z])$/;

/**
 * Translates a US class-share symbol written the way Finnhub and most US feeds write it
 * (`BRK.B`, `BRK/B`, `BRK B`) into Yahoo Finance's spelling (`BRK-B`). Everything else comes back
 * unchanged (only surrounding whitespace is trimmed): symbols Yahoo already understands (`BRK-B`,
 * `AAPL`, `EURUSD=X`, `^GSPC`, `BTC-USD`, `ES=F`) and exchange-suffixed listings (`SHOP.TO`,
 * `VOD.L`, `7203.T`, `SAP.DE`).
 *
 * The rule: a root of 1–5 letters, then `.`, `/` or a space, then one letter is a share class and
 * becomes `ROOT-X` — except `.F`, `.L`, `.T`, `.V` (Yahoo's one-letter exchange suffixes) and
 * `.U`/`.W`/`.R` or `/U`/`/W`/`/R` (units, warrants and rights, not classes). Preferreds (`BAC$K`,
 * `BAC.PR.K`, `BACpK`) are not translated. Where the rule is wrong for a symbol (McCormick's
 * voting class `MKC.V` is Yahoo's `MKC-V`, not a TSX Venture listing), give `yahooQuotes` an
 * explicit `symbolMap` entry. The function is idempotent. See ADR 0096 for the evidence and limits.
 *
 * @param symbol - a symbol as the caller writes it
 * @returns the symbol to ask Yahoo for
 * @example
 * ```ts
 * import { toYahooSymbol } from '@tickflow/sources/yahoo';
 * toYahooSymbol('BRK.B'); // 'BRK-B'
 * toYahooSymbol('BF/B'); // 'BF-B'
 * toYahooSymbol('VOD.L'); // 'VOD.L' (London listing, unchanged)
 * toYahooSymbol('EURUSD=X'); // 'EURUSD=X'
 * ```
 */
export function toYahooSymbol(symbol: string): string {
  const s = symbol.trim();
  const m = CLASS_SHARE.exec(s);
  if (!m) return s;
  const [, root, separator, letter] = m as unknown as [string, string, string, string];
  const upper = letter.toUpperCase();
  if (US_INSTRUMENT_SUFFIXES.has(upper)) return s;
  if (separator === '.' && YAHOO_ONE_LETTER_EXCHANGES.has(upper)) return s;
  return `${root}-${letter}`;
}
