// Internal: the symbol a reader queries for.
import { ConfigurationError } from '@tickflow/core';

/** Returns the symbol, or throws a ConfigurationError naming the setting when it is not a non-empty string. */
export function checkSymbol(symbol: unknown): string {
  if (typeof symbol !== 'string' || symbol.length === 0) throw new ConfigurationError('symbol must be a non-empty string', { setting: 'symbol' });
  return symbol;
}
