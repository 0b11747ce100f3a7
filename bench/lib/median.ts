/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @param xs - the numbers (not changed)
 * @returns their median
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
