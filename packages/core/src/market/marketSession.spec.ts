import { describe, expect, it } from 'vitest';
import { isMarketOpen } from './isMarketOpen.js';
import { marketSession } from './marketSession.js';
import { nextMarketOpen } from './nextMarketOpen.js';
import { usMarketHolidays } from './usMarketHolidays.js';

// Published NYSE holiday calendars.
const expected: Record<number, string[]> = {
  2024: ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25'],
  2025: ['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01', '11-27', '12-25'],
  2026: ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24'],
};

describe('usMarketHolidays', () => {
  it.each(Object.entries(expected))('matches the NYSE calendar for %s', (year, days) => {
    expect(usMarketHolidays(Number(year)).map((h) => h.date)).toEqual(days.map((d) => `${year}-${d}`));
  });

  it('does not observe a Saturday New Year on the previous Friday (2022-01-01)', () => {
    expect(usMarketHolidays(2021).map((h) => h.date)).not.toContain('2021-12-31');
    expect(marketSession('2021-12-31').isTradingDay).toBe(true);
  });
});

describe('marketSession', () => {
  it('closes on weekends and holidays with the holiday name', () => {
    expect(marketSession('2026-11-21')).toEqual({ date: '2026-11-21', isTradingDay: false, earlyClose: false });
    expect(marketSession('2026-11-26')).toMatchObject({ isTradingDay: false, holiday: 'Thanksgiving Day' });
    expect(marketSession('2025-01-09').holiday).toMatch(/Carter/);
  });

  it.each(['2024-07-03', '2024-11-29', '2024-12-24', '2025-07-03', '2025-11-28', '2025-12-24', '2026-11-27', '2026-12-24', '2027-11-26'])(
    'early close (13:00 New York) on %s',
    (day) => {
      const s = marketSession(day);
      expect(s.earlyClose).toBe(true);
      expect((s.close as number) - (s.open as number)).toBe(3.5 * 3_600_000);
    },
  );

  it.each(['2026-07-02', '2027-07-02', '2027-12-23', '2026-12-23'])('no early close on %s', (day) => {
    const s = marketSession(day);
    expect(s.isTradingDay).toBe(true);
    expect(s.earlyClose).toBe(false);
  });

  it('follows DST: 9:30 New York is 14:30 UTC in winter and 13:30 UTC in summer', () => {
    expect(marketSession('2026-03-06').open).toBe(Date.UTC(2026, 2, 6, 14, 30)); // Friday before spring-forward
    expect(marketSession('2026-03-09').open).toBe(Date.UTC(2026, 2, 9, 13, 30)); // Monday after
    expect(marketSession('2026-10-30').close).toBe(Date.UTC(2026, 9, 30, 20, 0)); // Friday before fall-back
    expect(marketSession('2026-11-02').close).toBe(Date.UTC(2026, 10, 2, 21, 0)); // Monday after
  });

  it('takes an instant and uses its New York day', () => {
    // 2026-11-24 03:00 UTC is still Monday 2026-11-23 in New York
    expect(marketSession(Date.UTC(2026, 10, 24, 3, 0)).date).toBe('2026-11-23');
    expect(marketSession(new Date(Date.UTC(2026, 10, 24, 12))).date).toBe('2026-11-24');
  });

  it('rejects malformed dates', () => {
    expect(() => marketSession('2026/11/23')).toThrow(/YYYY-MM-DD/);
  });
});

describe('isMarketOpen / nextMarketOpen', () => {
  it('knows the open interval [9:30, close)', () => {
    expect(isMarketOpen(Date.UTC(2026, 10, 23, 14, 29, 59))).toBe(false);
    expect(isMarketOpen(Date.UTC(2026, 10, 23, 14, 30))).toBe(true);
    expect(isMarketOpen(Date.UTC(2026, 10, 23, 20, 59))).toBe(true);
    expect(isMarketOpen(Date.UTC(2026, 10, 23, 21, 0))).toBe(false);
    expect(isMarketOpen(Date.UTC(2026, 10, 27, 18, 30))).toBe(false); // after the 13:00 early close
    expect(isMarketOpen(Date.UTC(2026, 10, 26, 16, 0))).toBe(false); // Thanksgiving
  });

  it('skips weekends and holidays', () => {
    expect(nextMarketOpen(Date.UTC(2026, 11, 24, 20))).toBe(Date.UTC(2026, 11, 28, 14, 30));
    expect(nextMarketOpen(Date.UTC(2026, 10, 23, 12))).toBe(Date.UTC(2026, 10, 23, 14, 30));
    expect(nextMarketOpen(Date.UTC(2026, 10, 23, 14, 30))).toBe(Date.UTC(2026, 10, 24, 14, 30));
  });
});
