import { type Ack, ConfigurationError } from '@tickflow/core';
import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Options of {@link consoleSink}.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import { type ConsoleSinkOptions, consoleSink } from '@tickflow/sinks/console';
 * const options: ConsoleSinkOptions<Trade> = {
 *   formatter: (t) => `${t.symbol} ${t.price.toFixed(2)} x ${t.size}`,
 *   write: (line) => process.stderr.write(line), // keep stdout for the program's own output
 * };
 * const print = consoleSink(options);
 * ```
 */
export interface ConsoleSinkOptions<T> {
  /** `'json'`: one JSON object per line (default). `'pretty'`: a readable line for trades and bars. */
  format?: 'json' | 'pretty';
  /** Where lines go (default `process.stdout`). Receives each line with its trailing newline. */
  write?: (line: string) => void;
  /** Custom formatter; overrides `format`. */
  formatter?: (record: T) => string;
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : '?');
const iso = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : String(v));

function pretty(record: unknown): string {
  if (typeof record === 'object' && record !== null) {
    const r = record as Record<string, unknown>;
    if (typeof r.interval === 'string' && 'open' in r && 'close' in r) {
      return (
        `${String(r.symbol)} ${r.interval} ${iso(r.start)} O ${num(r.open)} H ${num(r.high)} L ${num(r.low)} C ${num(r.close)} ` +
        `V ${num(r.volume)} n ${num(r.count)} vwap ${num(r.vwap)}`
      );
    }
    if ('price' in r && 'size' in r && 'ts' in r) {
      return `${String(r.symbol)} ${iso(r.ts)} ${num(r.price)} x ${num(r.size)}${r.id !== undefined ? ` #${String(r.id)}` : ''}`;
    }
  }
  return safeJson(record);
}

function safeJson(record: unknown): string {
  try {
    return JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(record);
  } catch {
    return String(record);
  }
}

/**
 * Prints each record as one line and acks it right after: a sink for demos, `--dry-run` modes and
 * debugging. `'json'` prints one JSON object per line (bigints as strings; unserialisable values
 * fall back to `String`); `'pretty'` prints trades as `AAPL 2024-01-02T15:00:00.000Z 189.5 x 100`
 * and bars as `AAPL 5m 2024-… O … H … L … C … V … n … vwap …`. Never errors on a record.
 *
 * @param options - format, output function or custom formatter
 * @returns an operator from records to acks (`meta.sink = 'console'`)
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { consoleSink } from '@tickflow/sinks/console';
 * from([{ symbol: 'AAPL', price: 189.5, size: 100, ts: 1704207600000 }])
 *   .pipe(consoleSink({ format: 'pretty' }))
 *   .subscribe();
 * ```
 */
export function consoleSink<T>(options: ConsoleSinkOptions<T> = {}): OperatorFunction<T, Ack<T, { sink: 'console' }>> {
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'pretty') {
    throw new ConfigurationError(`format must be 'json' or 'pretty', got ${JSON.stringify(format)}`, { setting: 'format' });
  }
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const toLine: (record: T) => string = options.formatter ?? (format === 'pretty' ? pretty : safeJson);
  const meta = Object.freeze({ sink: 'console' as const });
  return (source) =>
    new Observable((subscriber) =>
      source.subscribe({
        next(record) {
          let line: string;
          try {
            line = toLine(record);
          } catch {
            line = safeJson(record);
          }
          write(`${line}\n`);
          subscriber.next({ record, meta });
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
