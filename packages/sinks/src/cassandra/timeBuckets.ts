// Internal: partition-bucket helpers shared by the sink and the readers.

const DAY_MS = 86_400_000;

/** UTC day `YYYY-MM-DD` of an epoch-ms timestamp. */
export function dayOf(ts: number): string {
  return new Date(Math.floor(ts / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** A `dayOf` that remembers the last day it computed (trades arrive mostly in time order). */
export function cachedDayOf(): (ts: number) => string {
  let lo = 1;
  let hi = 0;
  let last = '';
  return (ts) => {
    if (ts >= lo && ts < hi) return last;
    lo = Math.floor(ts / DAY_MS) * DAY_MS;
    hi = lo + DAY_MS;
    last = new Date(lo).toISOString().slice(0, 10);
    return last;
  };
}

/** Partition bucket of a bar: UTC month `YYYY-MM` for 5m bars, UTC year `YYYY` for 1h bars. */
export function barBucketOf(start: number, interval: '5m' | '1h'): string {
  const iso = new Date(start).toISOString();
  return interval === '5m' ? iso.slice(0, 7) : iso.slice(0, 4);
}

/** Every day bucket that `[from, to)` touches, in order. */
export function daysBetween(from: number, to: number): string[] {
  const out: string[] = [];
  if (!(to > from)) return out;
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) out.push(dayOf(d));
  return out;
}

/** Every bar bucket that window starts in `[from, to)` touch, in order. */
export function barBucketsBetween(from: number, to: number, interval: '5m' | '1h'): string[] {
  const out: string[] = [];
  if (!(to > from)) return out;
  const first = new Date(from);
  let y = first.getUTCFullYear();
  let m = interval === '5m' ? first.getUTCMonth() : 0;
  for (;;) {
    const startOfBucket = Date.UTC(y, m, 1);
    if (startOfBucket >= to) break;
    out.push(barBucketOf(startOfBucket, interval));
    if (interval === '5m') {
      m++;
      if (m === 12) {
        m = 0;
        y++;
      }
    } else y++;
  }
  return out;
}
