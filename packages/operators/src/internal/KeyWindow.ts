/**
 * A bounded set of recently seen keys: membership in a `Set`, eviction order in a growable ring
 * buffer (insertion order, which is close to event-time order). Keys leave when their event time
 * falls behind the horizon or when the set exceeds `maxKeys` (oldest inserted first).
 *
 * @internal
 */
export class KeyWindow {
  private readonly seen = new Set<unknown>();
  private keys: unknown[] = new Array(1024);
  private times: number[] = new Array(1024);
  private head = 0;
  private count = 0;

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.count;
  }

  /** Event time of the oldest inserted key (`Infinity` when empty). */
  get oldestTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.times[this.head] as number);
  }

  has(key: unknown): boolean {
    return this.seen.has(key);
  }

  add(key: unknown, ts: number): void {
    this.seen.add(key);
    if (this.count === this.keys.length) this.grow();
    const i = (this.head + this.count) & (this.keys.length - 1);
    this.keys[i] = key;
    this.times[i] = ts;
    this.count++;
  }

  /** Evicts keys older than `horizon` and any beyond `maxKeys`; returns [byTtl, byMaxKeys]. */
  evict(horizon: number): [number, number] {
    let ttl = 0;
    let cap = 0;
    const mask = this.keys.length - 1;
    while (this.count > 0) {
      const over = this.count > this.maxKeys;
      if (!over && !((this.times[this.head] as number) < horizon)) break;
      this.seen.delete(this.keys[this.head]);
      this.keys[this.head] = undefined;
      this.head = (this.head + 1) & mask;
      this.count--;
      if (over) cap++;
      else ttl++;
    }
    return [ttl, cap];
  }

  private grow(): void {
    const n = this.keys.length;
    const keys = new Array(n * 2);
    const times = new Array(n * 2);
    for (let j = 0; j < n; j++) {
      keys[j] = this.keys[(this.head + j) & (n - 1)];
      times[j] = this.times[(this.head + j) & (n - 1)];
    }
    this.keys = keys;
    this.times = times;
    this.head = 0;
  }
}
