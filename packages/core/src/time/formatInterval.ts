/**
 * Formats milliseconds as the shortest exact interval label (`300000` → `'5m'`), the inverse of
 * {@link parseInterval} for whole units.
 *
 * @param ms - a positive integer number of milliseconds
 * @returns a label such as `'5m'`, `'1h'`, `'1d'` or `'1500ms'`
 * @example
 * ```ts
 * import { formatInterval } from '@tickflow/core';
 * formatInterval(3_600_000); // '1h'
 * ```
 */
export function formatInterval(ms: number): string {
  const units: [string, number][] = [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  for (const [u, size] of units) if (ms % size === 0) return `${ms / size}${u}`;
  return `${ms}ms`;
}
