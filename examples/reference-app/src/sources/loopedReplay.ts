import type { Trade } from '@tickflow/core';
import { replay } from '@tickflow/sources';
import { defer, map, type Observable, repeat } from 'rxjs';

const HOUR = 3_600_000;

/**
 * Replays a recording forever, like a tape loop: pass k shifts every timestamp by k × the
 * recording's span (rounded up to whole hours, so bars stay aligned) and suffixes ids with `#k`, so
 * each pass looks like fresh, later trades to dedupe and the windows.
 *
 * @param path - the recording (CSV or NDJSON, see `replay`)
 * @param speed - pace (× real time)
 * @param loops - how many passes (default forever)
 * @returns an endless (or `loops`-long) trade stream
 * @example
 * ```ts
 * loopedReplay('trades.csv', 120).subscribe((t) => console.log(t.symbol, t.ts));
 * ```
 */
export function loopedReplay(path: string, speed: number, loops = Number.POSITIVE_INFINITY): Observable<Trade> {
  let pass = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  return defer(() => {
    const k = pass++;
    const shift = k === 0 ? 0 : k * Math.ceil((last - first + 1) / HOUR) * HOUR;
    return replay({ path, speed }).pipe(
      map((t) => {
        if (k === 0) {
          if (!(t.ts >= first)) first = Number.isNaN(first) ? t.ts : Math.min(first, t.ts);
          if (!(t.ts <= last)) last = Number.isNaN(last) ? t.ts : Math.max(last, t.ts);
          return t;
        }
        return { ...t, ts: t.ts + shift, ...(t.id !== undefined ? { id: `${t.id}#${k}` } : {}) };
      }),
    );
  }).pipe(repeat(loops));
}
