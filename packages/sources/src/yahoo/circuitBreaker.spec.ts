import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

/** A TestScheduler used as a virtual clock; no frame limit (the default stops at 750). */
function virtualTime(): TestScheduler {
  const s = new TestScheduler((a, b) => expect(a).toEqual(b));
  s.maxFrames = Number.POSITIVE_INFINITY;
  return s;
}
import { type CircuitState, createCircuitBreaker } from './circuitBreaker.js';

describe('createCircuitBreaker (virtual time)', () => {
  it('opens after N consecutive failures, probes after halfOpenAfterMs, backs off on a failed probe, closes on success', async () => {
    const sched = virtualTime();
    const changes: Array<[number, CircuitState]> = [];
    const cb = createCircuitBreaker(sched, { failureThreshold: 3, halfOpenAfterMs: 1000, maxHalfOpenAfterMs: 1500 }, (s) => changes.push([sched.now(), s]));
    const at = (t: number, fn: () => void) => sched.schedule(fn, t);
    const gates: Array<[number, string]> = [];
    const gate = () => {
      const g = cb.gate();
      gates.push([sched.now(), g.kind]);
      return g;
    };
    let waited: Promise<void> | undefined;

    at(0, () => {
      cb.failure();
      cb.success(); // a success resets the count
      cb.failure();
      cb.failure();
      gate(); // still closed: 2 in a row
      cb.failure(); // 3 in a row: open
      gate();
    });
    at(999, () => gate()); // still open
    at(1000, () => {
      gate(); // the probe
      const g = gate(); // others wait for it
      if (g.kind === 'wait') waited = g.settled;
      cb.failure(); // failed probe: open for min(2000, 1500)
    });
    at(2499, () => gate());
    at(2500, () => {
      gate(); // probe again
      cb.success();
      gate();
    });
    sched.flush();
    await waited; // settled by the failed probe

    expect(gates).toEqual([
      [0, 'pass'],
      [0, 'reject'],
      [999, 'reject'],
      [1000, 'probe'],
      [1000, 'wait'],
      [2499, 'reject'],
      [2500, 'probe'],
      [2500, 'pass'],
    ]);
    expect(changes).toEqual([
      [0, 'open'],
      [1000, 'half-open'],
      [1000, 'open'],
      [2500, 'half-open'],
      [2500, 'closed'],
    ]);
  });

  it('a probe that ends without a verdict (429) lets the next request probe', () => {
    const sched = virtualTime();
    const cb = createCircuitBreaker(sched, { failureThreshold: 1, halfOpenAfterMs: 10 });
    cb.failure();
    const kinds: string[] = [];
    sched.schedule(() => {
      kinds.push(cb.gate().kind);
      cb.release();
      kinds.push(cb.gate().kind);
    }, 10);
    sched.flush();
    expect(kinds).toEqual(['probe', 'probe']);
    expect(cb.state).toBe('half-open');
  });
});
