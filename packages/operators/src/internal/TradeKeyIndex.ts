interface Entry {
  symbol: unknown;
  price: unknown;
  size: unknown;
}

/**
 * The default dedupe key `symbol|ts|price|size` without building strings: records are bucketed
 * by their exact `ts` (a number key), and a bucket is scanned for the same symbol, price and size
 * (`Object.is` equality, as the key text would compare). Buckets leave in insertion order when
 * their `ts` falls behind the horizon or the number of keys exceeds `maxKeys`.
 *
 * @internal
 */
export class TradeKeyIndex {
  private readonly buckets = new Map<unknown, Entry[]>();
  private order: unknown[] = new Array(1024);
  private head = 0;
  private n = 0;
  /** Number of keys held. */
  size = 0;

  constructor(private readonly maxKeys: number) {}

  /** Oldest bucket's ts (`Infinity` when empty). */
  get oldestTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.order[this.head] as number);
  }

  /** True (and nothing stored) when the key was seen; otherwise remembers it when `remember`. */
  seen(r: { symbol?: unknown; ts?: unknown; price?: unknown; size?: unknown }, remember: boolean): boolean {
    const ts = r.ts;
    const bucket = this.buckets.get(ts);
    const symbol = r.symbol;
    const price = r.price;
    const size = r.size;
    if (bucket !== undefined) {
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i] as Entry;
        if (Object.is(e.symbol, symbol) && Object.is(e.price, price) && Object.is(e.size, size)) return true;
      }
      if (remember) {
        bucket.push({ symbol, price, size });
        this.size++;
      }
      return false;
    }
    if (remember) {
      this.buckets.set(ts, [{ symbol, price, size }]);
      this.size++;
      if (this.n === this.order.length) this.grow();
      this.order[(this.head + this.n) & (this.order.length - 1)] = ts;
      this.n++;
    }
    return false;
  }

  /** Forgets buckets older than `horizon` and any beyond `maxKeys`; returns [byTtl, byMaxKeys]. */
  evict(horizon: number): [number, number] {
    let ttl = 0;
    let cap = 0;
    while (this.n > 0) {
      const over = this.size > this.maxKeys;
      const ts = this.order[this.head];
      if (!over && !((ts as number) < horizon)) break;
      const removed = this.buckets.get(ts)?.length ?? 0;
      this.buckets.delete(ts);
      this.size -= removed;
      this.order[this.head] = undefined;
      this.head = (this.head + 1) & (this.order.length - 1);
      this.n--;
      if (over) cap += removed;
      else ttl += removed;
    }
    return [ttl, cap];
  }

  private grow(): void {
    const len = this.order.length;
    const next = new Array(len * 2);
    for (let j = 0; j < len; j++) next[j] = this.order[(this.head + j) & (len - 1)];
    this.order = next;
    this.head = 0;
  }
}
