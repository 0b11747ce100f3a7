/**
 * An item of the stream that {@link watermark} emits: either a record (`kind: 'record'`) or a
 * watermark (`kind: 'watermark'`), the promise that no record with an event time below `ts` is
 * still expected. `ts` is `Infinity` once the source has completed. {@link ohlcvWindow} and
 * {@link dedupe} read this stream directly.
 *
 * @typeParam T - the record type (usually `Trade`)
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import type { Watermarked } from '@tickflow/operators';
 * const show = (item: Watermarked<Trade>) =>
 *   item.kind === 'record' ? `${item.value.symbol} @ ${item.value.ts}` : `watermark ${item.ts}`;
 * ```
 */
export type Watermarked<T> =
  | { readonly kind: 'record'; readonly value: T }
  | { readonly kind: 'watermark'; readonly ts: number };
