/** Calendar fields of an instant in America/New_York. Internal helper of the market calendar. */
export interface NyParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const fmt = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** New York wall-clock fields of an epoch-ms instant. */
export function nyParts(ts: number): NyParts {
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ts))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const year = p.year as number;
  const month = p.month as number;
  const day = p.day as number;
  return { year, month, day, hour: p.hour as number, minute: p.minute as number, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Epoch ms of a New York wall-clock time (DST-aware). */
export function nyToEpoch(year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall + 5 * 3_600_000; // EST first guess
  for (let i = 0; i < 3; i++) {
    const p = nyParts(guess);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const diff = wall - seen;
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

/** `YYYY-MM-DD` of a calendar date. */
export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
