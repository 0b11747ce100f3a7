import { isoDate } from './newYorkTime.js';

/**
 * One full-day market closure.
 *
 * @example
 * ```ts
 * import { type MarketHoliday, usMarketHolidays } from '@tickflow/core';
 * const holidays: MarketHoliday[] = usMarketHolidays(2024);
 * holidays.find((h) => h.date === '2024-07-04')?.name; // 'Independence Day'
 * ```
 */
export interface MarketHoliday {
  /** `YYYY-MM-DD` in New York. */
  date: string;
  /** Holiday name. */
  name: string;
}

/** One-off NYSE closures that no rule predicts (national days of mourning, storms). */
const SPECIAL_CLOSURES: MarketHoliday[] = [
  { date: '2012-10-29', name: 'Hurricane Sandy' },
  { date: '2012-10-30', name: 'Hurricane Sandy' },
  { date: '2018-12-05', name: 'National Day of Mourning (George H. W. Bush)' },
  { date: '2025-01-09', name: 'National Day of Mourning (Jimmy Carter)' },
];

const utcDay = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = utcDay(year, month, 1).getUTCDay();
  return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const wd = utcDay(year, month, lastDay).getUTCDay();
  return lastDay - ((wd - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian), anonymous algorithm. */
function easter(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** Fixed-date holiday moved to Friday (Saturday) or Monday (Sunday), per NYSE Rule 7.2. */
function observed(year: number, month: number, day: number, saturdayToFriday = true): string | undefined {
  const d = utcDay(year, month, day);
  const wd = d.getUTCDay();
  if (wd === 6) {
    if (!saturdayToFriday) return undefined;
    d.setUTCDate(d.getUTCDate() - 1);
  } else if (wd === 0) d.setUTCDate(d.getUTCDate() + 1);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * NYSE/Nasdaq full-day holidays of a year, by the exchanges' rules (New Year's Day — not moved
 * back when it falls on a Saturday —, Martin Luther King Jr. Day, Washington's Birthday, Good
 * Friday, Memorial Day, Juneteenth from 2022, Independence Day, Labor Day, Thanksgiving,
 * Christmas; Saturday holidays observed on Friday, Sunday ones on Monday) plus known one-off
 * closures such as 2025-01-09.
 *
 * @param year - the calendar year
 * @returns the holidays, sorted by date
 * @example
 * ```ts
 * import { usMarketHolidays } from '@tickflow/core';
 * usMarketHolidays(2026).map((h) => h.date); // ['2026-01-01', '2026-01-19', …, '2026-12-25']
 * ```
 */
export function usMarketHolidays(year: number): MarketHoliday[] {
  const out: MarketHoliday[] = [];
  const push = (date: string | undefined, name: string) => {
    if (date?.startsWith(String(year))) out.push({ date, name });
  };
  push(observed(year, 1, 1, false), "New Year's Day");
  push(isoDate(year, 1, nthWeekday(year, 1, 1, 3)), 'Martin Luther King Jr. Day');
  push(isoDate(year, 2, nthWeekday(year, 2, 1, 3)), "Washington's Birthday");
  const [em, ed] = easter(year);
  const gf = utcDay(year, em, ed);
  gf.setUTCDate(gf.getUTCDate() - 2);
  push(isoDate(year, gf.getUTCMonth() + 1, gf.getUTCDate()), 'Good Friday');
  push(isoDate(year, 5, lastWeekday(year, 5, 1)), 'Memorial Day');
  if (year >= 2022) push(observed(year, 6, 19), 'Juneteenth National Independence Day');
  push(observed(year, 7, 4), 'Independence Day');
  push(isoDate(year, 9, nthWeekday(year, 9, 1, 1)), 'Labor Day');
  push(isoDate(year, 11, nthWeekday(year, 11, 4, 4)), 'Thanksgiving Day');
  push(observed(year, 12, 25), 'Christmas Day');
  for (const s of SPECIAL_CLOSURES) if (s.date.startsWith(String(year))) out.push(s);
  return out.sort((a, b) => a.date.localeCompare(b.date));
}
