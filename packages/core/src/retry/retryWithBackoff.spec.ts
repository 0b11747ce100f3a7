import { defer, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/ConnectionError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { retryWithBackoff } from './retryWithBackoff.js';

const policy = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100, multiplier: 2, jitter: 0 };

describe('retryWithBackoff', () => {
  it('resubscribes after backoff delays and gives up with RetriesExhaustedError', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ expectObservable }) => {
      const src = defer(
        () =>
          new Observable<string>((s) => {
            s.next('a');
            s.error(new ConnectionError('drop'));
          }),
      );
      const out = src.pipe(retryWithBackoff({ policy, scheduler: ts, resetOnSuccess: false }));
      // attempts at t=0, 10, 30; third failure ends it
      expectObservable(out).toBe('a 9ms a 19ms (a#)', { a: 'a' }, new RetriesExhaustedError('operation', 3, new ConnectionError('drop')));
    });
  });

  it('passes non-retriable errors through at once', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ cold, expectObservable }) => {
      const err = new Error('fatal');
      expectObservable(cold('a#', undefined, err).pipe(retryWithBackoff({ policy, scheduler: ts }))).toBe('a#', undefined, err);
    });
  });
});
