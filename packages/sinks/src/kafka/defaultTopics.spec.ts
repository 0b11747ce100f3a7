import { describe, expect, it } from 'vitest';
import { defaultTopics } from './defaultTopics.js';

const DAY = 86_400_000;

describe('defaultTopics', () => {
  it('lists the pipeline topics of the original design plus the dead-letter topic', () => {
    expect(defaultTopics.map((t) => [t.topic, t.numPartitions, t.retentionMs])).toEqual([
      ['trades_raw', 10, 7 * DAY],
      ['quotes_raw', 5, DAY],
      ['crypto_raw', 5, 7 * DAY],
      ['trades_dlq', 3, 14 * DAY],
    ]);
    expect(Object.isFrozen(defaultTopics)).toBe(true);
  });
});
