import {
  ConfigurationError,
  describeZodError,
  type Instrumentation,
  type InvalidRecord,
  noopInstrumentation,
  type Trade,
  TradeSchema,
} from '@tickflow/core';
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { checkTrade } from './internal/checkTrade.js';

/**
 * Options of {@link validate}.
 *
 * @example
 * ```ts
 * import type { ValidateOptions } from '@tickflow/operators';
 * const opts: ValidateOptions = { maxFutureMs: 10_000, onInvalid: (r) => console.warn(r.field, r.reason) };
 * ```
 */
export interface ValidateOptions {
  /**
   * Called with every rejected input: `{ reason, input, field }`, the reason naming the field.
   * This is the dead-letter hook. If it throws, the error is logged and the stream goes on.
   */
  onInvalid?: (rejected: InvalidRecord) => void;
  /**
   * Reject records whose `ts` is more than this many ms ahead of `scheduler.now()`
   * (default 5000; `Infinity` turns the check off).
   */
  maxFutureMs?: number;
  /** Accept `size: 0` prints (default false: volume-0 prints are rejected). Only with `TradeSchema`. */
  allowZeroSize?: boolean;
  /** Metrics: `records_invalid_total{operator="validate",field}`. Default: none. */
  instrumentation?: Instrumentation;
  /** The clock for the `maxFutureMs` check (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

const ZeroSizeTradeSchema = TradeSchema.extend({
  size: z.number().finite('size must be a finite number').nonnegative('size must be >= 0'),
});

/**
 * Checks every incoming value against a zod schema (core's `TradeSchema` when none is given) and passes
 * on the parsed record. Bad input never errors the stream: anything that does not conform
 * (`null`, strings, wrong types, `price <= 0`, `size <= 0`, a `ts` too far in the future) goes
 * to `onInvalid({ reason, input, field })`, is counted and dropped. Strings are never coerced.
 *
 * With `TradeSchema` a hand-written check equivalent to the schema runs on the hot path (chosen
 * once, here); zod is only asked for the reason text of a rejected record.
 *
 * @param schema - leave out (or `undefined`) for core's `TradeSchema`
 * @param options - dead-letter hook, future-time bound, zero-size rule, metrics, clock
 * @returns an operator from `unknown` to `Trade`
 * @throws ConfigurationError when `allowZeroSize` is used with a schema other than `TradeSchema`
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { TradeSchema, type InvalidRecord } from '@tickflow/core';
 * import { validate } from '@tickflow/operators';
 * const invalid: InvalidRecord[] = [];
 * from([{ symbol: 'AAPL', price: 189.5, size: 100, ts: 1700000000000 }, null, 'x'])
 *   .pipe(validate(TradeSchema, { onInvalid: (r) => invalid.push(r) }))
 *   .subscribe((t) => console.log(t.symbol, t.price)); // invalid.length === 2 afterwards
 * ```
 */
export function validate(schema?: undefined, options?: ValidateOptions): OperatorFunction<unknown, Trade>;
/**
 * Checks every incoming value against the given zod schema and passes on the parsed record;
 * rejects go to `onInvalid({ reason, input, field })`, are counted and dropped (see the overload
 * without a schema for the full rules).
 *
 * @param schema - the zod schema records must satisfy
 * @param options - dead-letter hook, future-time bound, metrics, clock
 * @returns an operator from `unknown` to the schema's output type
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { z } from 'zod';
 * import { validate } from '@tickflow/operators';
 * const Tick = z.object({ symbol: z.string(), price: z.number().positive(), ts: z.number().int() });
 * from([{ symbol: 'A', price: 1, ts: 0 }, { symbol: 'A', price: -1, ts: 0 }])
 *   .pipe(validate(Tick, { onInvalid: (r) => console.warn(r.reason) }))
 *   .subscribe((t) => console.log(t.price));
 * ```
 */
export function validate<S extends z.ZodType>(schema: S, options?: ValidateOptions): OperatorFunction<unknown, z.output<S>>;
export function validate(schema?: z.ZodType, options: ValidateOptions = {}): OperatorFunction<unknown, unknown> {
  const chosen: z.ZodType = schema ?? TradeSchema;
  const allowZeroSize = options.allowZeroSize === true;
  if (allowZeroSize && chosen !== TradeSchema) {
    throw new ConfigurationError('validate: allowZeroSize only applies to the default TradeSchema', {
      setting: 'allowZeroSize',
      hint: 'put the size rule (e.g. z.number().nonnegative()) into your own schema instead',
    });
  }
  const zodSchema: z.ZodType = allowZeroSize ? ZeroSizeTradeSchema : chosen;
  const fast = chosen === TradeSchema;
  const maxFutureMs = options.maxFutureMs ?? 5_000;
  if (!(maxFutureMs >= 0)) {
    throw new ConfigurationError(`validate: maxFutureMs must be >= 0, got ${maxFutureMs}`, { setting: 'maxFutureMs' });
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const onInvalid = options.onInvalid;
  const inst = options.instrumentation ?? noopInstrumentation;
  const invalidTotal = inst.counter('records_invalid_total', {
    help: 'Records rejected by validate, by first offending field',
    labelNames: ['operator', 'field'],
  });

  return (source) =>
    new Observable<unknown>((subscriber) => {
      // The clock only moves forward: a ts within maxFutureMs of the last reading is fine
      // without reading the clock again.
      let lastNow = Number.NEGATIVE_INFINITY;

      const reject = (input: unknown, reason: string, field: string) => {
        invalidTotal.inc(1, { operator: 'validate', field });
        if (!onInvalid) return;
        try {
          onInvalid({ reason, input, field });
        } catch (err) {
          inst.log('error', 'validate.onInvalid_threw', { error: String(err), reason });
        }
      };

      const tooFarAhead = (ts: unknown): boolean => {
        if (typeof ts !== 'number' || ts <= lastNow + maxFutureMs) return false;
        lastNow = scheduler.now();
        return ts > lastNow + maxFutureMs;
      };

      const unreadable = (input: unknown, err: unknown) =>
        reject(input, `(root): the record could not be read (${String(err)})`, '(root)');

      const slow = (input: unknown) => {
        let r: ReturnType<z.ZodType['safeParse']>;
        try {
          r = zodSchema.safeParse(input);
        } catch (err) {
          unreadable(input, err);
          return;
        }
        if (!r.success) {
          const { reason, field } = describeZodError(r.error);
          reject(input, reason, field);
          return;
        }
        const ts = (r.data as { ts?: unknown } | null)?.ts;
        if (tooFarAhead(ts)) {
          reject(input, futureReason(ts as number, lastNow, maxFutureMs), 'ts');
          return;
        }
        subscriber.next(r.data);
      };

      return source.subscribe({
        next: fast
          ? (input) => {
              let t: Trade | undefined;
              try {
                t = checkTrade(input, allowZeroSize);
              } catch (err) {
                // a throwing getter or a revoked Proxy: never let it error the stream
                unreadable(input, err);
                return;
              }
              if (t === undefined) return slow(input);
              if (t.ts > lastNow + maxFutureMs && tooFarAhead(t.ts)) {
                reject(input, futureReason(t.ts, lastNow, maxFutureMs), 'ts');
                return;
              }
              subscriber.next(t);
            }
          : slow,
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

function futureReason(ts: number, now: number, maxFutureMs: number): string {
  return `ts: ${ts} is ${ts - now} ms ahead of the clock (maxFutureMs ${maxFutureMs}); check the source's time unit (ms) and clock`;
}
