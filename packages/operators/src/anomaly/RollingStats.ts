/**
 * Mean and standard deviation of the last `capacity` samples, updated in O(1) per sample with
 * Welford's algorithm run forwards (add the new sample) and backwards (remove the one leaving the
 * window). Removing is numerically weaker than adding, so the sums are recomputed from the ring
 * buffer (two passes) every `capacity` removals, which bounds the drift (amortised O(1)), and
 * right after an outlier leaves the window, when the subtraction would cancel catastrophically.
 */
export class RollingStats {
  private readonly buf: Float64Array;
  private head = 0;
  private removals = 0;
  /** Samples in the window (≤ capacity). */
  n = 0;
  /** Mean of the window. */
  mean = 0;
  private m2 = 0;

  /** @param capacity - window length in samples (≥ 2) */
  constructor(readonly capacity: number) {
    this.buf = new Float64Array(capacity);
  }

  /** Sample standard deviation (n − 1 denominator); 0 below two samples. */
  get stdev(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
  }

  /** Adds a sample, evicting the oldest when the window is full. */
  push(x: number): void {
    if (this.n === this.capacity) {
      const inexact = this.remove(this.buf[this.head]!);
      if (inexact || ++this.removals >= this.capacity) {
        this.removals = 0;
        this.buf[this.head] = x;
        this.head = (this.head + 1) % this.capacity;
        this.recompute();
        return;
      }
    }
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  /**
   * Backward Welford step. Returns true when the result may be inexact: subtracting a
   * contribution much larger than what remains (an outlier leaving the window) cancels
   * catastrophically, e.g. leaving a tiny non-zero stdev for a window of equal values.
   */
  private remove(x: number): boolean {
    const n = this.n - 1;
    if (n === 0) {
      this.n = 0;
      this.mean = 0;
      this.m2 = 0;
      return false;
    }
    const old = this.mean;
    this.mean = old - (x - old) / n;
    const removed = (x - this.mean) * (x - old);
    this.m2 -= removed;
    if (this.m2 < 0) this.m2 = 0;
    this.n = n;
    return this.m2 < removed * 1e-7;
  }

  private recompute(): void {
    const n = this.capacity;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.buf[i]!;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.buf[i]! - mean;
      m2 += d * d;
    }
    this.n = n;
    this.mean = mean;
    this.m2 = m2;
  }
}
