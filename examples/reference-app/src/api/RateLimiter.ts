/** Outcome of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets per client key (a token's subject, or the client IP): each bucket holds up to
 * `burst` tokens and refills at `ratePerSecond`; a request takes one. Idle buckets are dropped
 * so memory stays bounded by the number of active clients (at most `maxClients`).
 *
 * @example
 * ```ts
 * let now = 0;
 * const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, now: () => now });
 * limiter.take('1.2.3.4'); // { allowed: true }
 * limiter.take('1.2.3.4'); // { allowed: true }
 * limiter.take('1.2.3.4'); // { allowed: false, retryAfterSeconds: 1 }
 * now += 1000;
 * limiter.take('1.2.3.4'); // { allowed: true }
 * ```
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxClients: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param options - `ratePerSecond` refill, `burst` bucket size, `now` clock (ms), `maxClients` kept (default 10,000)
   */
  constructor(options: { ratePerSecond: number; burst: number; now?: () => number; maxClients?: number }) {
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
    this.#maxClients = options.maxClients ?? 10_000;
  }

  /**
   * Takes one token from `key`'s bucket.
   * @param key - the client
   * @returns allowed, or refused with the seconds until a token is available (for `Retry-After`)
   */
  take(key: string): RateDecision {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxClients) this.#evict(now);
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.#rate)) };
  }

  /** Number of client buckets held. */
  get size(): number {
    return this.#buckets.size;
  }

  #evict(now: number): void {
    // Full buckets carry no state; drop them first, then the oldest.
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(k);
    }
    while (this.#buckets.size >= this.#maxClients) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }
}
