/**
 * A bounded set of recently seen keys (ids or custom keys), with the same two-generation scheme as
 * {@link TradeKeyIndex}: the previous generation is dropped whole once the newest event time is
 * `ttlMs` past the current generation's start, or when the current one holds `maxKeys / 2` keys.
 *
 * @internal
 */
export class KeyWindow {
  private cur = new Set<unknown>();
  private prev: Set<unknown> | undefined;
  private genStart = Number.NaN;
  private readonly perGen: number;
  /** Keys dropped because of the horizon / because of `maxKeys`, so far. */
  evictedTtl = 0;
  evictedCap = 0;

  constructor(
    private readonly ttlMs: number,
    maxKeys: number,
  ) {
    this.perGen = Math.max(1, Math.floor(maxKeys / 2));
  }

  /** Number of keys held. */
  get size(): number {
    return this.cur.size + (this.prev?.size ?? 0);
  }

  /** Moves the horizon (same scheme as the value-key index). */
  advance(newest: number): void {
    if (Number.isNaN(this.genStart)) this.genStart = newest;
    else if (newest - this.genStart >= this.ttlMs) {
      this.evictedTtl += this.rotate();
      this.genStart = newest;
    }
  }

  has(key: unknown): boolean {
    return this.cur.has(key) || this.prev?.has(key) === true;
  }

  add(key: unknown): void {
    this.cur.add(key);
    if (this.cur.size >= this.perGen) this.evictedCap += this.rotate();
  }

  private rotate(): number {
    const dropped = this.prev?.size ?? 0;
    this.prev = this.cur;
    this.cur = new Set();
    return dropped;
  }
}
