import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/ConnectionError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { isRetriable } from './isRetriable.js';
import { retryAsync } from './retryAsync.js';

const policy = { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 100, multiplier: 2, jitter: 0 };

describe('retryAsync', () => {
  it('retries retriable errors and returns the result', async () => {
    const delays: number[] = [];
    let calls = 0;
    const out = await retryAsync(
      async () => {
        calls++;
        if (calls < 3) throw new ConnectionError('down');
        return 'ok';
      },
      { policy, onRetry: (_e, _n, d) => delays.push(d) },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([10, 20]);
  });

  it('does not retry non-retriable errors', async () => {
    let calls = 0;
    await expect(
      retryAsync(
        async () => {
          calls++;
          throw new ValidationError('bad', { field: 'price' });
        },
        { policy },
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });

  it('raises RetriesExhaustedError with the last cause', async () => {
    const err = await retryAsync(
      async () => {
        throw new ConnectionError('still down');
      },
      { policy, operation: 'connect' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(4);
    expect((err as Error).message).toMatch(/connect failed after 4 attempts: still down/);
    expect((err as Error).cause).toBeInstanceOf(ConnectionError);
  });

  it('waits on the injected scheduler', async () => {
    const scheduler = new VirtualTimeScheduler();
    let calls = 0;
    const p = retryAsync(
      async () => {
        calls++;
        if (calls === 1) throw new ConnectionError('x');
        return scheduler.now();
      },
      { policy: { ...policy, initialDelayMs: 5000, maxDelayMs: 10_000 }, scheduler },
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toBe(1);
    scheduler.flush();
    expect(await p).toBe(5000);
  });
});

describe('isRetriable', () => {
  it('classifies errors', () => {
    expect(isRetriable(new ConnectionError('x'))).toBe(true);
    expect(isRetriable(new ValidationError('x'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('x'), { retriable: true }))).toBe(true);
    expect(isRetriable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriable(new Error('x'))).toBe(false);
    expect(isRetriable('boom')).toBe(false);
  });
});
