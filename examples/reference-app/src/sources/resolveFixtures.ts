import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findRepoRoot } from './findRepoRoot.js';

/** Relative path of the real BTCUSDT trades inside the fixtures folder. */
export const BTC_TRADES = join('trades', 'tardis-binance-futures-btcusdt-2020-02-22', 'trades.csv');

/**
 * Where the recorded real trades are: `configured` (absolute, or relative to the working
 * directory) when given, else `../shared/fixtures` next to the repository. Returns the BTCUSDT
 * trades file when it exists, otherwise undefined (the demo then falls back to synthetic trades).
 *
 * @param configured - `demo.fixtures` / TICKFLOW_FIXTURES
 * @returns path of the BTCUSDT trades CSV, or undefined
 * @example
 * ```ts
 * resolveFixtures(undefined); // '/work/shared/fixtures/trades/tardis-…/trades.csv' or undefined
 * ```
 */
export function resolveFixtures(configured: string | undefined): string | undefined {
  const root = findRepoRoot();
  const dir = configured ? resolve(configured) : root ? resolve(root, '..', 'shared', 'fixtures') : undefined;
  if (!dir) return undefined;
  const file = join(dir, BTC_TRADES);
  return existsSync(file) ? file : undefined;
}
