/** A commit the tracker says is safe: the next offset to read for a topic-partition. */
export interface SafeCommit {
  topic: string;
  partition: number;
  /** The next offset to consume (last contiguous acknowledged offset + 1), decimal string. */
  offset: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  /**
   * Delivered, not yet committed-past offsets in delivery order (increasing), from `head` on, and
   * whether each is acknowledged. Arrays, not a Map: the contiguous prefix is dropped on every ack,
   * and a Map iterated from its start after many deletes walks every deleted slot (microseconds per
   * ack at tens of thousands in flight).
   */
  offsets: number[];
  acked: boolean[];
  head: number;
  /** Highest delivered offset. */
  last: number;
  /** Next offset that is safe to commit, or -1 when nothing is. */
  safe: number;
  /** Last offset committed (or being committed). */
  committed: number;
  /** Commits never go past this offset (manual commits: what the caller allowed; else +Infinity). */
  limit: number;
}

/** Per-partition bookkeeping of delivered and acknowledged offsets; see {@link createOffsetTracker}. */
export interface OffsetTracker {
  /**
   * Records that `offset` was delivered downstream.
   *
   * @returns false when the offset is not after the last delivered one (a re-fetch): skip it
   */
  delivered(topic: string, partition: number, offset: number): boolean;
  /**
   * Marks a delivered offset acknowledged.
   *
   * @returns true when the safe commit point of its partition moved
   */
  ack(topic: string, partition: number, offset: number): boolean;
  /** Delivered offsets not yet acknowledged, over all partitions. */
  readonly unacked: number;
  /** Commit points that moved since the last call (marks them as committed). */
  takeCommits(): SafeCommit[];
  /** Puts commit points back after a failed commit so the next `takeCommits` retries them. */
  restore(commits: readonly SafeCommit[]): void;
  /**
   * Raises a partition's commit limit (manual commits): commits go up to
   * min(this limit, the contiguous acknowledged point), never further.
   *
   * @returns false when the partition has delivered nothing in this generation (nothing to commit)
   */
  allow(topic: string, partition: number, offset: number): boolean;
  /** Forgets every partition (after a rebalance: uncommitted records will be re-delivered). */
  reset(): void;
}

/** Options of {@link createOffsetTracker}. */
export interface OffsetTrackerOptions {
  /**
   * `true`: acknowledgements only free buffer room; a partition is committed no further than what
   * {@link OffsetTracker.allow} allowed. Default false: the contiguous acknowledged point.
   */
  manual?: boolean;
}

/**
 * Creates the tracker that keeps Kafka commits from ever passing an unacknowledged record: the
 * safe commit point of a partition is the offset after the highest contiguous acknowledged offset
 * (in delivery order, so gaps from compaction or transaction markers are fine).
 *
 * @returns a new, empty tracker
 * @example
 * ```ts
 * const t = createOffsetTracker();
 * t.delivered('trades_raw', 0, 10); t.delivered('trades_raw', 0, 11);
 * t.ack('trades_raw', 0, 11); // not yet safe: 10 is unacknowledged
 * t.ack('trades_raw', 0, 10);
 * t.takeCommits(); // [{ topic: 'trades_raw', partition: 0, offset: '12' }]
 * ```
 * @internal
 */
export function createOffsetTracker(options: OffsetTrackerOptions = {}): OffsetTracker {
  const initialLimit = options.manual ? -1 : Number.POSITIVE_INFINITY;
  // topic → partition number → state (no key string built per record)
  let byTopic = new Map<string, Map<number, PartitionState>>();
  let unacked = 0;
  const get = (topic: string, partition: number) => byTopic.get(topic)?.get(partition);
  const states = function* () {
    for (const m of byTopic.values()) yield* m.values();
  };

  return {
    delivered(topic, partition, offset) {
      let t = byTopic.get(topic);
      if (!t) byTopic.set(topic, (t = new Map()));
      let p = t.get(partition);
      if (!p) t.set(partition, (p = { topic, partition, offsets: [], acked: [], head: 0, last: -1, safe: -1, committed: -1, limit: initialLimit }));
      if (offset <= p.last) return false;
      p.last = offset;
      p.offsets.push(offset);
      p.acked.push(false);
      unacked++;
      return true;
    },
    ack(topic, partition, offset) {
      const p = get(topic, partition);
      if (p === undefined) return false;
      const i = indexOf(p, offset);
      if (i < 0 || p.acked[i]) return false; // unknown, not delivered, or already acked
      p.acked[i] = true;
      unacked--;
      let moved = false;
      const { offsets, acked } = p;
      let head = p.head;
      while (head < offsets.length && acked[head]) {
        p.safe = (offsets[head] as number) + 1;
        head++;
        moved = true;
      }
      if (head > 1024 && head * 2 > offsets.length) {
        offsets.splice(0, head);
        acked.splice(0, head);
        head = 0;
      }
      p.head = head;
      return moved;
    },
    get unacked() {
      return unacked;
    },
    takeCommits() {
      const out: SafeCommit[] = [];
      for (const p of states()) {
        const point = Math.min(p.safe, p.limit);
        if (point > p.committed) {
          out.push({ topic: p.topic, partition: p.partition, offset: String(point) });
          p.committed = point;
        }
      }
      return out;
    },
    restore(commits) {
      for (const c of commits) {
        const p = get(c.topic, c.partition);
        if (p && p.committed === Number(c.offset)) p.committed = -1;
      }
    },
    allow(topic, partition, offset) {
      const p = get(topic, partition);
      if (!p) return false;
      if (offset > p.limit) p.limit = offset;
      return true;
    },
    reset() {
      byTopic = new Map();
      unacked = 0;
    },
  };
}

/** Index of a delivered offset at or after the partition's head, or -1. Offsets increase; usually they are contiguous. */
function indexOf(p: PartitionState, offset: number): number {
  const { offsets } = p;
  let lo = p.head;
  let hi = offsets.length - 1;
  if (lo > hi) return -1;
  const guess = lo + (offset - (offsets[lo] as number));
  if (guess >= lo && guess <= hi && offsets[guess] === offset) return guess;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const o = offsets[mid] as number;
    if (o === offset) return mid;
    if (o < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
