import { isoDate, nyParts, nyToEpoch } from './newYorkTime.js';
import { usMarketHolidays } from './usMarketHolidays.js';

/**
 * The regular trading session of one New York calendar day.
 *
 * @example
 * ```ts
 * import { type MarketSession, marketSession } from '@tickflow/core';
 * const s: MarketSession = marketSession('2024-11-29'); // day after Thanksgiving
 * s.earlyClose; // true: closes at 13:00 New York
 * ```
 */
export interface MarketSession {
  /** `YYYY-MM-DD` (New York). */
  date: string;
  /** False on weekends and holidays. */
  isTradingDay: boolean;
  /** Session open, epoch ms (9:30 New York), when a trading day. */
  open?: number;
  /** Session close, epoch ms (16:00, or 13:00 on early-close days), when a trading day. */
  close?: number;
  /** True on the 13:00 early-close days. */
  earlyClose: boolean;
  /** Holiday name when closed for one. */
  holiday?: string;
}

const holidayCache = new Map<number, Map<string, string>>();
function holidaysOf(year: number): Map<string, string> {
  let m = holidayCache.get(year);
  if (!m) holidayCache.set(year, (m = new Map(usMarketHolidays(year).map((h) => [h.date, h.name]))));
  return m;
}

function isEarlyClose(year: number, month: number, day: number, weekday: number): boolean {
  // Day before Independence Day (Jul 3, Monday to Thursday), day after Thanksgiving, Christmas Eve (Monday to Thursday).
  if (month === 7 && day === 3) return weekday >= 1 && weekday <= 4;
  if (month === 12 && day === 24) return weekday >= 1 && weekday <= 4;
  if (month === 11 && weekday === 5) {
    const thanksgiving = day - 1;
    const firstWd = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const fourthThursday = 1 + ((4 - firstWd + 7) % 7) + 21;
    return thanksgiving === fourthThursday;
  }
  return false;
}

function parseDay(day: string | number | Date): [number, number, number] {
  if (typeof day === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) throw new RangeError(`marketSession: expected a YYYY-MM-DD date, got '${day}'`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const p = nyParts(typeof day === 'number' ? day : day.getTime());
  return [p.year, p.month, p.day];
}

/**
 * The US equities regular session (NYSE/Nasdaq, 9:30–16:00 America/New_York) of a day: closed on
 * weekends and exchange holidays, 13:00 close on early-close days. DST is handled through the
 * time-zone database, so `open`/`close` are exact epoch ms all year.
 *
 * @param day - a `YYYY-MM-DD` New York date, or an instant (epoch ms / Date) whose New York day is used
 * @returns the session of that day
 * @example
 * ```ts
 * import { marketSession } from '@tickflow/core';
 * const s = marketSession('2026-11-27'); // the day after Thanksgiving
 * s.earlyClose; // true; s.close is 13:00 New York
 * ```
 */
export function marketSession(day: string | number | Date): MarketSession {
  const [y, m, d] = parseDay(day);
  const date = isoDate(y, m, d);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const holiday = holidaysOf(y).get(date);
  if (weekday === 0 || weekday === 6 || holiday) {
    return holiday ? { date, isTradingDay: false, earlyClose: false, holiday } : { date, isTradingDay: false, earlyClose: false };
  }
  const early = isEarlyClose(y, m, d, weekday);
  return { date, isTradingDay: true, open: nyToEpoch(y, m, d, 9, 30), close: nyToEpoch(y, m, d, early ? 13 : 16, 0), earlyClose: early };
}
