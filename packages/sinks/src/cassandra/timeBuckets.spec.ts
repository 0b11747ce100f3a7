import { describe, expect, it } from 'vitest';
import { barBucketOf, barBucketsBetween, cachedDayOf, dayOf, daysBetween } from './timeBuckets.js';

describe('time buckets', () => {
  it('days are UTC', () => {
    expect(dayOf(Date.UTC(2024, 0, 1, 23, 59, 59, 999))).toBe('2024-01-01');
    expect(dayOf(Date.UTC(2024, 0, 2))).toBe('2024-01-02');
    const d = cachedDayOf();
    expect([Date.UTC(2024, 0, 2, 5), Date.UTC(2024, 0, 2, 6), Date.UTC(2024, 0, 1, 6), Date.UTC(2024, 0, 2, 7)].map(d)).toEqual([
      '2024-01-02',
      '2024-01-02',
      '2024-01-01',
      '2024-01-02',
    ]);
  });

  it('lists the day partitions a range touches', () => {
    expect(daysBetween(Date.UTC(2024, 1, 28, 12), Date.UTC(2024, 2, 1, 0, 0, 0, 1))).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysBetween(Date.UTC(2024, 1, 28), Date.UTC(2024, 1, 29))).toEqual(['2024-02-28']);
    expect(daysBetween(5, 5)).toEqual([]);
  });

  it('lists month buckets for 5m and year buckets for 1h', () => {
    expect(barBucketOf(Date.UTC(2024, 11, 31, 23, 55), '5m')).toBe('2024-12');
    expect(barBucketOf(Date.UTC(2024, 11, 31, 23), '1h')).toBe('2024');
    expect(barBucketsBetween(Date.UTC(2023, 10, 15), Date.UTC(2024, 1, 1), '5m')).toEqual(['2023-11', '2023-12', '2024-01']);
    expect(barBucketsBetween(Date.UTC(2023, 10, 15), Date.UTC(2024, 1, 1), '1h')).toEqual(['2023', '2024']);
    expect(barBucketsBetween(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1), '5m')).toEqual([]);
  });
});
