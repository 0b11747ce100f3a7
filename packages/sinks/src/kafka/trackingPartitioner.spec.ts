import { type Message, Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionChoice, type TrackedMessage } from './partitionChoice.js';
import { trackingPartitioner } from './trackingPartitioner.js';

const metadata = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
/** A message with the slot, as kafkajsProducerAdapter creates them. */
const tracked = (m: Message): Message & TrackedMessage => ({ ...m, [partitionChoice]: undefined });

describe('trackingPartitioner', () => {
  it("chooses exactly what kafkajs's own partitioner chooses, and notes it on the message", () => {
    for (const base of [Partitioners.DefaultPartitioner, Partitioners.LegacyPartitioner]) {
      for (const n of [1, 3, 10, 12]) {
        const plain = base();
        const tracking = trackingPartitioner(base)();
        for (let i = 0; i < 500; i++) {
          const key = i % 5 === 0 ? `BINANCE:SYM${i}USDT` : `SYM${i}`;
          const args = (message: Message): PartitionerArgs => ({ topic: 'trades_raw', partitionMetadata: metadata(n), message });
          const message = tracked({ key, value: 'v' });
          const p = tracking(args(message));
          expect(p).toBe(plain(args({ key, value: 'v' })));
          expect(message[partitionChoice]).toBe(p);
        }
      }
    }
  });

  it('keeps an explicit partition, marks a message placed differently on two calls as unknown (-1), leaves foreign messages alone', () => {
    const tracking = trackingPartitioner(Partitioners.DefaultPartitioner)();
    const explicit = tracked({ key: 'AAPL', value: 'v', partition: 7 });
    expect(tracking({ topic: 't', partitionMetadata: metadata(10), message: explicit })).toBe(7);
    expect(explicit[partitionChoice]).toBe(7);
    // a keyless message is round-robined: a second call (kafkajs re-partitions on its internal retries) moves it
    const keyless = tracked({ key: null, value: 'v' });
    const first = tracking({ topic: 't', partitionMetadata: metadata(10), message: keyless });
    const second = tracking({ topic: 't', partitionMetadata: metadata(10), message: keyless });
    expect(second).not.toBe(first);
    expect(keyless[partitionChoice]).toBe(-1);
    // the caller's own messages sent through the same producer are not touched
    const own: Message = { key: 'MSFT', value: 'v' };
    tracking({ topic: 't', partitionMetadata: metadata(10), message: own });
    expect(Object.getOwnPropertySymbols(own)).toEqual([]);
  });
});
