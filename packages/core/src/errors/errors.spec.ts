import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './ConfigurationError.js';
import { ConnectionError } from './ConnectionError.js';
import { RateLimitError } from './RateLimitError.js';
import { RetriesExhaustedError } from './RetriesExhaustedError.js';
import { TickflowError } from './TickflowError.js';
import { ValidationError } from './ValidationError.js';

describe('error hierarchy', () => {
  it('every error is a TickflowError with code and retriable', () => {
    const cases: [TickflowError, string, boolean][] = [
      [new ValidationError('price must be > 0', { field: 'price' }), 'VALIDATION', false],
      [new ConnectionError('closed', { endpoint: 'ws://x' }), 'CONNECTION', true],
      [new RateLimitError('429', { retryAfterMs: 1000 }), 'RATE_LIMIT', true],
      [new RetriesExhaustedError('send', 3, new Error('x')), 'RETRIES_EXHAUSTED', false],
      [new ConfigurationError('token missing', { setting: 'token' }), 'CONFIGURATION', false],
    ];
    for (const [e, code, retriable] of cases) {
      expect(e).toBeInstanceOf(TickflowError);
      expect(e).toBeInstanceOf(Error);
      expect(e.code).toBe(code);
      expect(e.retriable).toBe(retriable);
      expect(e.name).toBe(e.constructor.name);
    }
  });

  it('keeps the cause and appends the hint', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new ConnectionError('cannot reach Kafka', { cause, hint: 'is the broker running? try npm run services:up' });
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('cannot reach Kafka (is the broker running? try npm run services:up)');
    expect(new ConfigurationError('x', { setting: 'token' }).setting).toBe('token');
    expect(new RateLimitError('x', { retryAfterMs: 5 }).retryAfterMs).toBe(5);
  });
});
