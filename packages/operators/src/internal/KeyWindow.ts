import { TwoGenerations } from './TwoGenerations.js';

/**
 * A bounded set of recently seen keys (ids or custom keys), in two generations of `Set`s (see
 * {@link TwoGenerations}).
 *
 * @internal
 */
export class KeyWindow extends TwoGenerations {
  private cur = new Set<unknown>();
  private prev: Set<unknown> | undefined;

  /** Number of keys held. */
  get size(): number {
    return this.cur.size + (this.prev?.size ?? 0);
  }

  has(key: unknown): boolean {
    return this.cur.has(key) || this.prev?.has(key) === true;
  }

  add(key: unknown): void {
    this.cur.add(key);
    if (this.cur.size >= this.perGen) this.evictedCap += this.rotate();
  }

  protected rotate(): number {
    const dropped = this.prev?.size ?? 0;
    this.prev = this.cur;
    this.cur = new Set();
    return dropped;
  }
}
