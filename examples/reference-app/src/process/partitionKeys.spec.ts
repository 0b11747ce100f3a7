import { describe, expect, it } from 'vitest';
import { partitionKeys } from './partitionKeys.js';

describe('partitionKeys', () => {
  it('makes topic|partition keys, one per partition of each topic', () => {
    const partOf = partitionKeys();
    expect(partOf('trades_raw', 3)).toBe('trades_raw|3');
    expect(partOf('crypto_raw', 3)).toBe('crypto_raw|3');
    expect(partOf('trades_raw', 0)).toBe('trades_raw|0');
    expect(partOf('trades_raw', 3)).toBe('trades_raw|3');
  });
});
