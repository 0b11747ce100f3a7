import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * A scheduler whose clock runs `speed` times faster than the wall clock (from `origin`), with
 * delays shortened to match. Given to the synthetic source, validate and watermark of the demo, it
 * makes a simulated market where a 5-minute bar closes in a few seconds, consistently for every
 * operator that reads the clock.
 *
 * @param speed - how much faster than real time
 * @param origin - simulated time at start (default now)
 * @returns the scheduler
 * @example
 * ```ts
 * const s = acceleratedScheduler(60);
 * s.now(); // advances one simulated minute per real second
 * ```
 */
export function acceleratedScheduler(speed: number, origin = Date.now()): SchedulerLike {
  const real0 = Date.now();
  return {
    now: () => origin + (Date.now() - real0) * speed,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      return asyncScheduler.schedule(work, delay / speed, state as T);
    },
  };
}
