import { ConfigurationError } from '../errors/ConfigurationError.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses an interval such as `'500ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`, `'1w'` (or a positive
 * integer number of milliseconds) into milliseconds.
 *
 * @param interval - the interval text or a number of ms
 * @returns the interval in milliseconds (a positive integer)
 * @throws ConfigurationError naming the bad value and the accepted forms
 * @example
 * ```ts
 * import { parseInterval } from '@tickflow/core';
 * parseInterval('5m'); // 300000
 * parseInterval(1000); // 1000
 * ```
 */
export function parseInterval(interval: string | number): number {
  if (typeof interval === 'number') {
    if (Number.isInteger(interval) && interval > 0) return interval;
    throw new ConfigurationError(`interval must be a positive integer number of ms, got ${interval}`, {
      setting: 'interval',
      hint: "use e.g. 300000 or '5m'",
    });
  }
  if (typeof interval !== 'string') {
    throw new ConfigurationError(`interval must be a string like '5m' or a number of ms, got ${typeof interval}`, {
      setting: 'interval',
    });
  }
  const m = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/.exec(interval);
  if (!m) {
    throw new ConfigurationError(`cannot parse interval '${interval}'`, {
      setting: 'interval',
      hint: "use a whole number followed by ms, s, m, h, d or w, e.g. '5m' or '1h'",
    });
  }
  const n = Number(m[1]);
  const ms = n * (UNITS[m[2] as string] as number);
  if (n <= 0 || !Number.isSafeInteger(ms)) {
    throw new ConfigurationError(`interval '${interval}' must be greater than zero`, { setting: 'interval' });
  }
  return ms;
}
