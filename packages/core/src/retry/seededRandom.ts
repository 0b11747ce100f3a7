/**
 * A deterministic pseudo-random source (mulberry32) returning numbers in [0, 1).
 * Use it to make backoff jitter, synthetic data and property tests reproducible.
 *
 * @param seed - any 32-bit integer
 * @returns a function producing the next number on each call
 * @example
 * ```ts
 * import { seededRandom } from '@tickflow/core';
 * const rnd = seededRandom(7);
 * rnd(); rnd(); // same sequence every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
