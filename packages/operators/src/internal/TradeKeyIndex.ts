import { TwoGenerations } from './TwoGenerations.js';

/**
 * One generation of value keys: an open-addressing hash table over typed arrays (no per-key
 * objects, no Map), keyed by (symbol, ts, price, size).
 *
 * @internal
 */
class Generation {
  count = 0;
  private mask: number;
  private slots: Int32Array;
  private syms: unknown[];
  private tss: Float64Array;
  private prices: Float64Array;
  private sizes: Float64Array;

  constructor(capacity: number) {
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    const n = capacity >> 1;
    this.syms = new Array(n);
    this.tss = new Float64Array(n);
    this.prices = new Float64Array(n);
    this.sizes = new Float64Array(n);
  }

  has(h: number, symbol: unknown, ts: number, price: number, size: number): boolean {
    const { slots, mask, tss, prices, sizes, syms } = this;
    let i = h & mask;
    for (;;) {
      const e = slots[i] as number;
      if (e === 0) return false;
      const j = e - 1;
      if (tss[j] === ts && prices[j] === price && sizes[j] === size && syms[j] === symbol) return true;
      i = (i + 1) & mask;
    }
  }

  add(h: number, symbol: unknown, ts: number, price: number, size: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const j = this.count++;
    this.syms[j] = symbol;
    this.tss[j] = ts;
    this.prices[j] = price;
    this.sizes[j] = size;
    this.place(h, j);
  }

  /** Empties the table, keeping its arrays for reuse. */
  reset(): void {
    this.slots.fill(0);
    this.syms.fill(undefined, 0, this.count);
    this.count = 0;
  }

  private place(h: number, j: number): void {
    const { slots, mask } = this;
    let i = h & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = j + 1;
  }

  private grow(): void {
    const capacity = this.slots.length * 2;
    const n = capacity >> 1;
    const copy = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.tss = copy(this.tss);
    this.prices = copy(this.prices);
    this.sizes = copy(this.sizes);
    this.syms.length = n;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let j = 0; j < this.count; j++) {
      this.place(hash(this.tss[j] as number, this.prices[j] as number, this.sizes[j] as number), j);
    }
  }
}

/** @internal */
export function hash(ts: number, price: number, size: number): number {
  let h = Math.imul(ts % 4_294_967_296 | 0, 0x9e3779b1) ^ Math.imul((price * 10_007) | 0, 0x85ebca6b) ^ (size * 31 | 0);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

/**
 * The default dedupe key `symbol|ts|price|size` for records whose ts, price and size are numbers
 * (not NaN), without building strings: a hash table over typed arrays per generation, in the
 * two-generation scheme of {@link TwoGenerations} (a dropped generation's arrays are reused).
 *
 * @internal
 */
export class TradeKeyIndex extends TwoGenerations {
  private cur = new Generation(1024);
  private prev = new Generation(1024);

  /** Number of keys held. */
  get size(): number {
    return this.cur.count + this.prev.count;
  }

  /** True when the key was seen; otherwise remembers it when `remember`. */
  seen(symbol: unknown, ts: number, price: number, size: number, remember: boolean): boolean {
    const h = hash(ts, price, size);
    if (this.cur.has(h, symbol, ts, price, size) || (this.prev.count > 0 && this.prev.has(h, symbol, ts, price, size))) {
      return true;
    }
    if (remember) {
      this.cur.add(h, symbol, ts, price, size);
      if (this.cur.count >= this.perGen) this.evictedCap += this.rotate();
    }
    return false;
  }

  protected rotate(): number {
    const dropped = this.prev.count;
    const recycled = this.prev;
    recycled.reset();
    this.prev = this.cur;
    this.cur = recycled;
    return dropped;
  }
}
