import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { prometheusInstrumentation } from '../prometheus/prometheusInstrumentation.js';
import { memoryInstrumentation } from './memoryInstrumentation.js';
import { noopInstrumentation } from './noopInstrumentation.js';
import { redactSecrets } from './redactSecrets.js';

describe('noopInstrumentation', () => {
  it('is disabled and returns the same shared metric', () => {
    expect(noopInstrumentation.enabled).toBe(false);
    expect(noopInstrumentation.counter('a')).toBe(noopInstrumentation.histogram('b'));
    expect(() => noopInstrumentation.log('info', 'x')).not.toThrow();
  });
});

describe('memoryInstrumentation', () => {
  it('counts per label set and in total', () => {
    const inst = memoryInstrumentation();
    const c = inst.counter('invalid_total');
    c.inc();
    c.inc(2, { reason: 'price' });
    c.inc(1, { reason: 'price' });
    expect(inst.value('invalid_total')).toBe(1);
    expect(inst.value('invalid_total', { reason: 'price' })).toBe(3);
    expect(inst.total('invalid_total')).toBe(4);
    const g = inst.gauge('lag');
    g.set(10);
    g.dec(3);
    expect(inst.value('lag')).toBe(7);
    inst.histogram('lat').observe(5);
    expect(inst.observations('lat')).toEqual([5]);
  });

  it('redacts secrets in logs and bounds the buffer', () => {
    const seen: unknown[] = [];
    const inst = memoryInstrumentation({ maxLogs: 2, logger: (_l, _e, f) => seen.push(f) });
    inst.log('info', 'connect', { url: 'wss://ws.finnhub.io?token=SECRET123', apiKey: 'SECRET123' });
    inst.log('info', 'b');
    inst.log('info', 'c');
    expect(inst.logs.map((l) => l.event)).toEqual(['b', 'c']);
    expect(JSON.stringify(seen)).not.toContain('SECRET123');
  });
});

describe('redactSecrets', () => {
  it('masks secret keys, query tokens and URL passwords, recursively', () => {
    const out = redactSecrets({
      token: 'abc',
      nested: { password: 'pw', list: ['postgres://u:hunter2@db/x'] },
      url: 'https://h/q?symbols=A&crumb=zz&x=1',
      count: 3,
      err: new Error('bad token=1 at wss://ws.finnhub.io?token=abc'),
    });
    const text = JSON.stringify(out);
    for (const secret of ['"abc"', 'pw"', 'hunter2', 'crumb=zz', 'token=abc']) expect(text).not.toContain(secret);
    expect(out.count).toBe(3);
    expect(out.url).toBe('https://h/q?symbols=A&crumb=[redacted]&x=1');
  });
});

describe('prometheusInstrumentation', () => {
  it('exposes metrics in the registry with a prefix and labels', async () => {
    const registry = new Registry();
    const inst = prometheusInstrumentation({ registry });
    inst.counter('trades_total').inc(3);
    inst.counter('invalid_total', { labelNames: ['reason'] }).inc(1, { reason: 'price' });
    inst.gauge('lag').set(42);
    inst.histogram('latency_ms', { buckets: [1, 10] }).observe(5);
    const text = await registry.metrics();
    expect(text).toContain('tickflow_trades_total 3');
    expect(text).toContain('tickflow_invalid_total{reason="price"} 1');
    expect(text).toContain('tickflow_lag 42');
    expect(text).toContain('tickflow_latency_ms_bucket{le="10"} 1');
    // asking again returns the same series
    inst.counter('trades_total').inc();
    expect(await registry.metrics()).toContain('tickflow_trades_total 4');
  });
});
