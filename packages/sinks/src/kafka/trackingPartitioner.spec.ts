import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionChoices } from './partitionChoices.js';
import { trackingPartitioner } from './trackingPartitioner.js';

const metadata = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);

describe('trackingPartitioner', () => {
  it("chooses exactly what kafkajs's own partitioner chooses, and records it per message", () => {
    for (const base of [Partitioners.DefaultPartitioner, Partitioners.LegacyPartitioner]) {
      for (const n of [1, 3, 10, 12]) {
        const plain = base();
        const tracked = trackingPartitioner(base)();
        for (let i = 0; i < 500; i++) {
          const key = i % 5 === 0 ? `BINANCE:SYM${i}USDT` : `SYM${i}`;
          const args = (): PartitionerArgs => ({ topic: 'trades_raw', partitionMetadata: metadata(n), message: { key, value: 'v' } });
          const a = args();
          const p = tracked(a);
          expect(p).toBe(plain(args()));
          expect(partitionChoices.get(a.message)).toBe(p);
        }
      }
    }
  });

  it('keeps an explicit partition and marks a message placed differently on two calls as unknown (-1)', () => {
    const tracked = trackingPartitioner(Partitioners.DefaultPartitioner)();
    const explicit = { key: 'AAPL', value: 'v', partition: 7 };
    expect(tracked({ topic: 't', partitionMetadata: metadata(10), message: explicit })).toBe(7);
    expect(partitionChoices.get(explicit)).toBe(7);
    // a keyless message is round-robined: a second call (kafkajs re-partitions on its internal retries) moves it
    const keyless = { key: null, value: 'v' };
    const first = tracked({ topic: 't', partitionMetadata: metadata(10), message: keyless });
    const second = tracked({ topic: 't', partitionMetadata: metadata(10), message: keyless });
    expect(second).not.toBe(first);
    expect(partitionChoices.get(keyless)).toBe(-1);
  });
});
