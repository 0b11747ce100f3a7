import type { z } from 'zod';

/**
 * Turns a zod error into a one-line reason that names the field(s), e.g.
 * `price: price must be > 0; ts: expected number, received string`, plus the first field's path.
 *
 * @param error - a `ZodError` from `safeParse`
 * @returns the reason text and the first offending field (`'(root)'` for the whole value)
 * @example
 * ```ts
 * import { TradeSchema, describeZodError } from '@tickflow/core';
 * const r = TradeSchema.safeParse({ symbol: 'A', price: -1, size: 1, ts: 0 });
 * if (!r.success) describeZodError(r.error).reason; // 'price: price must be > 0'
 * ```
 */
export function describeZodError(error: z.ZodError): { reason: string; field: string } {
  const parts: string[] = [];
  let first = '';
  for (const issue of error.issues.slice(0, 5)) {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    if (!first) first = path;
    parts.push(`${path}: ${issue.message}`);
  }
  return { reason: parts.join('; ') || 'invalid record', field: first || '(root)' };
}
