/**
 * Items per second.
 *
 * @param n - items done
 * @param ms - in this many ms
 * @returns the rate, rounded
 */
export const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000);
