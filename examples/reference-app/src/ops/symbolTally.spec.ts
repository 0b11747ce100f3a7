import { memoryInstrumentation } from '@tickflow/core';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { appMetrics } from './appMetrics.js';
import { SymbolTally } from './symbolTally.js';

describe('SymbolTally', () => {
  it('hands counts and the newest event time per symbol to the metrics once per period', () => {
    const inst = memoryInstrumentation();
    const scheduler = new VirtualTimeScheduler();
    const tally = new SymbolTally(appMetrics(inst), 'process', scheduler, 1000);
    tally.count('AAPL');
    tally.count('AAPL');
    tally.count('MSFT');
    tally.eventTime('AAPL', 1_700_000_000_000);
    tally.eventTime('AAPL', 1_700_000_001_000);
    const aapl = { stage: 'process', symbol: 'AAPL' };
    expect(inst.value('trades_ingested_total', aapl)).toBe(0);
    expect(scheduler.actions).toHaveLength(1); // one flush pending, not one per record
    scheduler.flush();
    expect(inst.value('trades_ingested_total', aapl)).toBe(2);
    expect(inst.value('trades_ingested_total', { stage: 'process', symbol: 'MSFT' })).toBe(1);
    expect(inst.value('last_event_time_seconds', { symbol: 'AAPL' })).toBe(1_700_000_001);
    expect(scheduler.actions).toHaveLength(0); // nothing scheduled while no records come
    tally.count('AAPL');
    expect(scheduler.actions).toHaveLength(1);
    tally.close();
    expect(inst.value('trades_ingested_total', aapl)).toBe(3);
    expect(scheduler.actions.filter((a) => !a.closed)).toHaveLength(0);
  });

  it('is a no-op without metrics', () => {
    const scheduler = new VirtualTimeScheduler();
    const tally = new SymbolTally(undefined, 'process', scheduler);
    tally.count('AAPL');
    tally.eventTime('AAPL', 1);
    tally.close();
    expect(scheduler.actions).toHaveLength(0);
  });
});
