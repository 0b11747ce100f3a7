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
   * Keep a key at least until the newest event time (or watermark) seen is `ttlMs` past the newest
   * one at its insertion, and at most about twice that. Default 300000 (5 min); `Infinity` keeps
   * keys until `maxKeys` pushes them out.
   */
  ttlMs?: number;
  /**
   * Hard cap on remembered keys (default 100000); the oldest half goes first. With the default
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
 * keys are forgotten in generations once the newest event time or watermark seen has moved
 * `ttlMs` to `2 × ttlMs` past them (by then a repeat would be late anyway), and `maxKeys` caps the
 * rest (oldest half first).
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
      const keys = new KeyWindow(ttlMs, maxKeys);
      const values = new TradeKeyIndex(ttlMs, maxKeys);
      let newest = Number.NEGATIVE_INFINITY;
      let reportedTtl = 0;
      let reportedCap = 0;

      const report = () => {
        const ttl = keys.evictedTtl + values.evictedTtl;
        const cap = keys.evictedCap + values.evictedCap;
        if (ttl !== reportedTtl) evicted.inc(ttl - reportedTtl, { reason: 'ttl' });
        if (cap !== reportedCap) evicted.inc(cap - reportedCap, { reason: 'max_keys' });
        reportedTtl = ttl;
        reportedCap = cap;
      };

      const advance = (ts: number) => {
        newest = ts;
        keys.advance(ts);
        values.advance(ts);
      };

      const onRecord = (item: T, record: any) => {
        const ts = eventTime(record);
        // A record already behind the horizon is checked but not remembered.
        const remember = !(ts < newest - ttlMs);
        let dup: boolean;
        if (keyOf === undefined && typeof record === 'object' && record !== null) {
          const id = record.id;
          const price = record.price;
          const size = record.size;
          const rts = record.ts;
          if (typeof id === 'string' && id !== '') {
            dup = keys.has(id);
            if (!dup && remember) keys.add(id);
          } else if (
            typeof price === 'number' &&
            typeof size === 'number' &&
            typeof rts === 'number' &&
            !Number.isNaN(price + size + rts)
          ) {
            dup = values.seen(record.symbol, rts, price, size, remember);
          } else {
            // odd values (unvalidated input): the key as text
            const key = `\u0000${record.symbol}|${rts}|${price}|${size}`;
            dup = keys.has(key);
            if (!dup && remember) keys.add(key);
          }
        } else {
          const key = keyOf === undefined ? record : keyOf(record);
          dup = keys.has(key);
          if (!dup && remember) keys.add(key);
        }
        if (dup) {
          dropped.inc();
          return;
        }
        if (ts > newest) {
          advance(ts);
          if (keys.evictedTtl + values.evictedTtl !== reportedTtl) report();
        }
        if (keys.evictedCap + values.evictedCap !== reportedCap) report();
        subscriber.next(item);
      };

      const handle = (item: any): void => {
        if (item !== null && typeof item === 'object') {
          const kind = item.kind;
          if (kind === 'record') {
            onRecord(item, item.value);
            return;
          }
          if (kind === 'watermark') {
            if (item.ts > newest && item.ts !== Number.POSITIVE_INFINITY) {
              advance(item.ts);
              report();
            }
            subscriber.next(item);
            return;
          }
        }
        onRecord(item, item);
      };

      return source.subscribe({
        next: (item: any) => {
          try {
            handle(item);
          } catch (err) {
            // a throwing key or eventTime function: like map(), error the stream
            subscriber.error(err);
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
