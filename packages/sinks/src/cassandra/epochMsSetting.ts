// Internal: a reader's time bound (`from`, `to`) as epoch ms.
import { ConfigurationError } from '@tickflow/core';

/** Returns the bound as epoch ms, or throws a ConfigurationError naming the setting when it is neither finite epoch ms nor a Date. */
export function epochMsSetting(v: number | Date, setting: string): number {
  const n = v instanceof Date ? v.getTime() : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ConfigurationError(`${setting} must be epoch ms or a Date`, { setting });
  return n;
}
