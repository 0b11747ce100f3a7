const SECRET_KEY = /(token|password|passwd|secret|api[-_]?key|authorization|credential|crumb|cookie|sasl)/i;
const URL_SECRET = /([?&](?:token|apikey|api_key|key|password|crumb)=)[^&\s"]+/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@/\s]+@/gi;

/**
 * Masks secrets in log fields: values under keys that look secret (`token`, `password`,
 * `apiKey`, `authorization`, …) become `'[redacted]'`, and credentials inside strings
 * (`?token=…` query parameters, `user:pass@` in URLs) are masked. Nested objects are handled.
 *
 * @param value - log fields or any value
 * @param depth - nesting level of `value` (internal: objects deeper than 5 levels are returned as they are)
 * @returns a copy safe to log
 * @example
 * ```ts
 * import { redactSecrets } from '@tickflow/core';
 * redactSecrets({ url: 'wss://ws.finnhub.io?token=abc', password: 'x' });
 * // { url: 'wss://ws.finnhub.io?token=[redacted]', password: '[redacted]' }
 * ```
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) } as T;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : redactSecrets(v, depth + 1);
  }
  return out as T;
}

function redactString(s: string): string {
  return s.replace(URL_SECRET, '$1[redacted]').replace(URL_USERINFO, '$1[redacted]@');
}
