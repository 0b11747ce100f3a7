/**
 * The eviction scheme of dedupe's key sets: memory is bounded by two generations instead of
 * per-key eviction. Keys go into the current generation; when the newest event time moves `ttlMs`
 * past the generation's start, or the current generation holds `maxKeys / 2` keys (subclasses
 * check `perGen` when adding), the previous generation is dropped whole and the current one
 * becomes the previous. A dropped key was inserted while the newest event time was more than
 * `ttlMs` behind today's, so no key within the TTL is lost to the horizon rule; keys live between
 * `ttlMs` and about `2 × ttlMs`, and at most `maxKeys` are held.
 *
 * @internal
 */
export abstract class TwoGenerations {
  private genStart = Number.NaN;
  /** Keys a generation holds before it is rotated (`maxKeys / 2`, at least 1). */
  protected readonly perGen: number;
  /** Keys dropped because of the horizon / because of `maxKeys`, so far. */
  evictedTtl = 0;
  evictedCap = 0;

  constructor(
    private readonly ttlMs: number,
    maxKeys: number,
  ) {
    this.perGen = Math.max(1, Math.floor(maxKeys / 2));
  }

  /** Moves the horizon: rotates generations once `newest` is `ttlMs` past the current one's start. */
  advance(newest: number): void {
    if (Number.isNaN(this.genStart)) this.genStart = newest;
    else if (newest - this.genStart >= this.ttlMs) {
      this.evictedTtl += this.rotate();
      this.genStart = newest;
    }
  }

  /** Drops the previous generation and makes the current one the previous; returns the keys dropped. */
  protected abstract rotate(): number;
}
