/** Wall-clock and client CPU time of one measured piece of work. */
export interface Measured {
  /** Wall-clock time, ms. */
  ms: number;
  /** CPU time of this process (user + system), µs. */
  cpuUs: number;
}

/**
 * Times a piece of work: wall clock and this process's CPU.
 *
 * @param work - the work to time (only it: build its input before)
 * @returns its wall-clock ms and CPU µs
 */
export async function measure(work: () => Promise<unknown>): Promise<Measured> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuUs: c.user + c.system };
}
