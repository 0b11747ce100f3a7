import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { alignToInterval } from './alignToInterval.js';
import { formatInterval } from './formatInterval.js';
import { parseInterval } from './parseInterval.js';

describe('parseInterval', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1m', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    [' 15m ', 900_000],
    [1000, 1000],
  ])('%s → %d', (input, ms) => expect(parseInterval(input)).toBe(ms));

  it.each(['', '5', 'm', '5x', '1.5h', '-5m', '0m', '5 minutes', 'abc'])('rejects %j with a clear error', (bad) => {
    expect(() => parseInterval(bad)).toThrow(ConfigurationError);
    try {
      parseInterval(bad);
    } catch (e) {
      expect((e as ConfigurationError).setting).toBe('interval');
      expect((e as Error).message).toMatch(/interval/);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (bad) => {
    expect(() => parseInterval(bad)).toThrow(/positive integer/);
  });

  it('rejects non-string non-number input', () => {
    expect(() => parseInterval(null as unknown as string)).toThrow(ConfigurationError);
  });
});

describe('formatInterval / alignToInterval', () => {
  it('formats the shortest exact unit', () => {
    expect(formatInterval(300_000)).toBe('5m');
    expect(formatInterval(3_600_000)).toBe('1h');
    expect(formatInterval(90_000)).toBe('90s');
    expect(formatInterval(1500)).toBe('1500ms');
    for (const s of ['5m', '1h', '1d', '30s']) expect(formatInterval(parseInterval(s))).toBe(s);
  });
  it('aligns to epoch multiples, also before 1970', () => {
    expect(alignToInterval(Date.UTC(2024, 0, 1, 9, 34, 59, 999), 300_000)).toBe(Date.UTC(2024, 0, 1, 9, 30));
    expect(alignToInterval(600_000, 300_000)).toBe(600_000);
    expect(alignToInterval(-1, 300_000)).toBe(-300_000);
  });
});
