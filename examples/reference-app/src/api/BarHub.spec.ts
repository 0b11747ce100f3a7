import type { Bar } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import type { ApiBar } from './BarReader.js';
import { BarHub } from './BarHub.js';

const bar = (start: number, over: Partial<Bar> = {}): ApiBar => ({ symbol: 'AAPL', interval: '5m', start, end: start + 300_000, open: 1, high: 2, low: 1, close: 2, volume: 10, count: 3, vwap: 1.5, final: true, ...over });

describe('BarHub', () => {
  it('hands each published bar to every listener until it unsubscribes', () => {
    const hub = new BarHub();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = hub.subscribe((x) => a.push(x.start));
    hub.subscribe((x) => b.push(x.start));
    expect(hub.listeners).toBe(2);
    hub.publish(bar(0));
    stopA();
    hub.publish(bar(300_000));
    expect(a).toEqual([0]);
    expect(b).toEqual([0, 300_000]);
    expect(hub.listeners).toBe(1);
    expect(hub.published).toBe(2);
  });

  it('a listener that throws is reported and does not keep the bar from the others', () => {
    const errors: unknown[] = [];
    const hub = new BarHub({ onError: (e) => errors.push(e) });
    const got: number[] = [];
    hub.subscribe(() => {
      throw new Error('boom');
    });
    hub.subscribe((x) => got.push(x.start));
    hub.publish(bar(0));
    hub.publish(bar(300_000));
    expect(got).toEqual([0, 300_000]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'boom']);
  });
});
