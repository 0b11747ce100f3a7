import { ConfigurationError, type Instrumentation, noopInstrumentation } from '@tickflow/core';
import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { KeyWindow } from './internal/KeyWindow.js';
import { TradeKeyIndex } from './internal/TradeKeyIndex.js';

/**
 * Options of {@link dedupe}. `R` is the record type (the `value` of watermark-wrapped items).
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import type { DedupeOptions } from '@tickflow/operators';
 * const opts: DedupeOptions<Trade> = { ttlMs: 120_000, maxKeys: 50_000, key: (t) => t.id ?? `${t.symbol}|${t.ts}` };
 * ```
 */
export interface DedupeOptions<R = any> {
  /** The identity of a record. Default: `id` when it is a non-empty string, else `symbol|ts|price|size`. */
  key?: (record: R) => unknown;
  /**
   * Forget a key once its event time is more than `ttlMs` behind the newest event time (or the
   * watermark) seen. Default 300000 (5 min); `Infinity` keeps keys until `maxKeys` pushes them out.
   */
  ttlMs?: number;
  /**
   * Hard cap on remembered keys; the oldest inserted go first (default 100000). With the default
   * key, ids and value keys are held in two indexes, each capped at `maxKeys`.
   */
  maxKeys?: number;
  /** Event time of a record (default its numeric `ts`; records without one are kept only by `maxKeys`). */
  eventTime?: (record: R) => number;
  /** Metrics: `duplicates_dropped_total`, `dedupe_keys_evicted_total{reason}`. */
  instrumentation?: Instrumentation;
}

const defaultEventTime = (r: any): number => (r !== null && typeof r === 'object' ? r.ts : Number.NaN);

/**
 * Drops repeats of a record. The key is `id` when present (so distinct prints with identical
 * values but different ids are all kept), otherwise `symbol|ts|price|size`. Memory is bounded:
 * a key is forgotten once its event time is more than `ttlMs` behind the newest event time or
 * watermark seen (by then a repeat would be late anyway), and `maxKeys` caps the rest.
 *
 * Works on plain records and on the {@link Watermarked} stream of {@link watermark}:
 * watermark items pass through untouched and also advance the TTL horizon.
 *
 * @param options - key function, TTL, key cap, event-time accessor, metrics
 * @returns an operator that emits each distinct record once, in arrival order
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { dedupe } from '@tickflow/operators';
 * const t = { symbol: 'AAPL', price: 1, size: 1, ts: 0 };
 * from([t, { ...t }, { ...t, id: 'x' }]).pipe(dedupe()).subscribe(console.log); // t, then the id 'x' one
 * ```
 */
export function dedupe<T>(options: DedupeOptions = {}): MonoTypeOperatorFunction<T> {
  const keyOf = options.key;
  const eventTime = options.eventTime ?? defaultEventTime;
  const ttlMs = options.ttlMs ?? 300_000;
  const maxKeys = options.maxKeys ?? 100_000;
  if (!(ttlMs >= 0)) throw new ConfigurationError(`dedupe: ttlMs must be >= 0, got ${ttlMs}`, { setting: 'ttlMs' });
  if (!(maxKeys >= 1)) throw new ConfigurationError(`dedupe: maxKeys must be >= 1, got ${maxKeys}`, { setting: 'maxKeys' });
  const inst = options.instrumentation ?? noopInstrumentation;
  const dropped = inst.counter('duplicates_dropped_total', { help: 'Records dropped by dedupe as repeats' });
  const evicted = inst.counter('dedupe_keys_evicted_total', {
    help: 'Keys dedupe forgot, by reason (ttl, max_keys); max_keys evictions mean repeats may slip through',
    labelNames: ['reason'],
  });

  return (source) =>
    new Observable<T>((subscriber) => {
      const keys = new KeyWindow(maxKeys);
      const values = new TradeKeyIndex(maxKeys);
      let newest = Number.NEGATIVE_INFINITY;

      const trim = () => {
        const horizon = newest - ttlMs;
        let [ttl, cap] = keys.evict(horizon);
        const [ttl2, cap2] = values.evict(horizon);
        ttl += ttl2;
        cap += cap2;
        if (ttl) evicted.inc(ttl, { reason: 'ttl' });
        if (cap) evicted.inc(cap, { reason: 'max_keys' });
      };

      const onRecord = (item: T, record: any) => {
        const ts = eventTime(record);
        // A record already behind the horizon is checked but not remembered.
        const remember = !(ts < newest - ttlMs);
        let dup: boolean;
        if (keyOf === undefined && record !== null && typeof record === 'object' && !(typeof record.id === 'string' && record.id !== '')) {
          dup = values.seen(record, remember);
        } else {
          const key = keyOf === undefined ? (record !== null && typeof record === 'object' ? record.id : record) : keyOf(record);
          dup = keys.has(key);
          if (!dup && remember) keys.add(key, Number.isNaN(ts) ? newest : ts);
        }
        if (dup) {
          dropped.inc();
          return;
        }
        if (ts > newest) newest = ts;
        const horizon = newest - ttlMs;
        if (keys.size > maxKeys || values.size > maxKeys || horizon > keys.oldestTime || horizon > values.oldestTime) trim();
        subscriber.next(item);
      };

      return source.subscribe({
        next: (item: any) => {
          if (item !== null && typeof item === 'object') {
            const kind = item.kind;
            if (kind === 'record') return onRecord(item, item.value);
            if (kind === 'watermark') {
              if (item.ts > newest && item.ts !== Number.POSITIVE_INFINITY) {
                newest = item.ts;
                trim();
              }
              subscriber.next(item);
              return;
            }
          }
          onRecord(item, item);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
