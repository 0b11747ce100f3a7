import { ConfigurationError, nextMarketOpen, type Quote } from '@tickflow/core';
import { asyncScheduler, type Observable, Observable as Obs, type SchedulerLike, type Subscription } from 'rxjs';
import { type YahooQuotesOptions, yahooQuotes } from './yahooQuotes.js';

/**
 * One symbol reporting earnings within the calendar's horizon.
 *
 * @example
 * ```ts
 * import type { EarningsEntry } from '@tickflow/sources/yahoo';
 * const show = (e: EarningsEntry) => `${e.symbol} ${new Date(e.date).toISOString()}${e.estimated ? ' (estimated)' : ''}`;
 * ```
 */
export interface EarningsEntry {
  /** The symbol. */
  symbol: string;
  /** When it reports (epoch ms): the confirmed `earningsTimestamp`, or the start of Yahoo's estimated window. */
  date: number;
  /** End of the window (epoch ms); equals `date` when the date is confirmed. */
  windowEnd: number;
  /** True when Yahoo gives only a window (`earningsTimestampStart` ≠ `earningsTimestampEnd`). */
  estimated: boolean;
  /** The quote's `receivedAt` (or `ts`) the entry was taken from. */
  asOfQuote: number;
}

/**
 * One emission of {@link earningsCalendar}.
 *
 * @example
 * ```ts
 * import type { EarningsCalendar } from '@tickflow/sources/yahoo';
 * const symbolsOf = (cal: EarningsCalendar) => cal.entries.map((e) => e.symbol);
 * ```
 */
export interface EarningsCalendar {
  /** Scheduler time it was computed, epoch ms. */
  asOf: number;
  /** End of the horizon (`asOf + horizonMs`), epoch ms. */
  until: number;
  /** Why it was emitted. */
  reason: 'market_open' | 'on_demand';
  /** Symbols reporting in [asOf, until), sorted by date then symbol. */
  entries: EarningsEntry[];
}

/**
 * Options of {@link earningsCalendar}: either `quotes` (a quote stream you already have), or the
 * `yahooQuotes` options (`symbols`, `baseUrl`, …) for a poller of its own.
 *
 * @example
 * ```ts
 * import { Subject } from 'rxjs';
 * import type { EarningsCalendarOptions } from '@tickflow/sources/yahoo';
 * const options: EarningsCalendarOptions = { symbols: ['AAPL', 'NVDA'], refresh: new Subject<void>(), horizonMs: 7 * 86_400_000 };
 * ```
 */
export interface EarningsCalendarOptions extends Partial<Omit<YahooQuotesOptions, 'scheduler'>> {
  /** The quotes to read earnings fields from, e.g. `yahooQuotes({...}).pipe(share())`. */
  quotes?: Observable<Quote>;
  /** How far ahead to look, ms (default 7 days). */
  horizonMs?: number;
  /** Each value emitted here makes the calendar emit at once (on demand). */
  refresh?: Observable<unknown>;
  /** Emit once a day at the US market open (default true). */
  atMarketOpen?: boolean;
  /** Scheduler for the daily timer and the clock (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

const DAY = 86_400_000;

/** The entry of one quote, when its next report falls in [asOf, asOf + horizon). */
function entryOf(q: Quote, asOf: number, horizonMs: number): EarningsEntry | undefined {
  const confirmed = q.earningsTimestamp;
  let lo: number;
  let hi: number;
  if (confirmed !== undefined && confirmed >= asOf) {
    lo = confirmed;
    hi = confirmed;
  } else if (q.earningsTimestampStart !== undefined) {
    lo = q.earningsTimestampStart;
    hi = Math.max(lo, q.earningsTimestampEnd ?? lo);
  } else return undefined;
  if (hi < asOf || lo >= asOf + horizonMs) return undefined;
  return { symbol: q.symbol, date: lo, windowEnd: hi, estimated: hi !== lo, asOfQuote: q.receivedAt ?? q.ts };
}

/**
 * The earnings calendar of the next 7 days, built from the earnings fields that ride along with
 * Yahoo quotes (`earningsTimestamp`, `earningsTimestampStart`/`End`). It keeps the latest quote of
 * each symbol and emits the symbols reporting within `horizonMs` once a day at the US market open
 * (9:30 New York, skipping weekends and holidays, via core's `nextMarketOpen`) and whenever
 * `refresh` emits. A confirmed date that is still ahead wins; otherwise Yahoo's estimated window is
 * used, and a window that overlaps the horizon counts.
 *
 * @param options - the quote stream (or `yahooQuotes` options), horizon, on-demand trigger and scheduler
 * @returns an Observable of calendars; it errors only if `quotes` errors
 * @throws ConfigurationError when neither `quotes` nor `symbols` is given
 * @example
 * ```ts
 * import { Subject, share } from 'rxjs';
 * import { earningsCalendar, yahooQuotes } from '@tickflow/sources/yahoo';
 * const quotes = yahooQuotes({ symbols: ['AAPL', 'MSFT', 'NVDA'] }).pipe(share());
 * const refresh = new Subject<void>();
 * earningsCalendar({ quotes, refresh }).subscribe((cal) =>
 *   console.log(cal.reason, cal.entries.map((e) => `${e.symbol} ${new Date(e.date).toISOString()}`)),
 * );
 * refresh.next(); // emit now
 * ```
 */
export function earningsCalendar(options: EarningsCalendarOptions): Observable<EarningsCalendar> {
  const horizonMs = options.horizonMs ?? 7 * DAY;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (!options.quotes && !options.symbols?.length) {
    throw new ConfigurationError('earningsCalendar: pass `quotes` (an Observable<Quote>) or `symbols` to poll Yahoo for', { setting: 'quotes' });
  }
  const { quotes: given, horizonMs: _h, refresh: _r, atMarketOpen: _a, ...yahoo } = options;
  const source = given ?? yahooQuotes({ ...(yahoo as YahooQuotesOptions), ...(options.scheduler ? { scheduler: options.scheduler } : {}) });
  return new Obs<EarningsCalendar>((subscriber) => {
    const latest = new Map<string, Quote>();
    let timer: Subscription | undefined;
    const emit = (reason: EarningsCalendar['reason']) => {
      const asOf = scheduler.now();
      const entries: EarningsEntry[] = [];
      for (const q of latest.values()) {
        const e = entryOf(q, asOf, horizonMs);
        if (e) entries.push(e);
      }
      entries.sort((a, b) => a.date - b.date || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
      subscriber.next({ asOf, until: asOf + horizonMs, reason, entries });
    };
    const armDaily = () => {
      const now = scheduler.now();
      timer = scheduler.schedule(() => {
        emit('market_open');
        armDaily();
      }, nextMarketOpen(now) - now);
    };
    const quotesSub = source.subscribe({
      next: (q) => latest.set(q.symbol, q),
      error: (e: unknown) => subscriber.error(e),
    });
    const refreshSub = options.refresh?.subscribe({ next: () => emit('on_demand') });
    if (options.atMarketOpen !== false) armDaily();
    return () => {
      quotesSub.unsubscribe();
      refreshSub?.unsubscribe();
      timer?.unsubscribe();
    };
  });
}
