/**
 * A token bucket: `capacity` tokens, refilled at `ratePerSecond`. `take(now)` spends one token or
 * says how long until one is available.
 *
 * @internal
 */
export function tokenBucket(ratePerSecond: number, capacity: number, startMs: number) {
  let tokens = capacity;
  let last = startMs;
  const refill = (now: number) => {
    if (now > last) {
      tokens = Math.min(capacity, tokens + ((now - last) * ratePerSecond) / 1000);
      last = now;
    }
  };
  return {
    take(now: number): { ok: true } | { ok: false; waitMs: number } {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, waitMs: ((1 - tokens) * 1000) / ratePerSecond };
    },
    /** Tokens left right now (for stats). */
    available(now: number): number {
      refill(now);
      return tokens;
    },
  };
}
