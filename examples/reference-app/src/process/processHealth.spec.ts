import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../ops/createTelemetry.js';
import { processHealth } from './processHealth.js';

const T = Date.UTC(2024, 0, 2, 15, 0);

describe('processHealth', () => {
  it('reads the processor’s own counters (stage="process" only), trades/s, watermark lag and consumer lag', async () => {
    const telemetry = createTelemetry({ logLevel: 'error', write: () => {} });
    const m = telemetry.metrics;
    let clock = 1_000_000;
    let wm = Number.NEGATIVE_INFINITY;
    const monitor = processHealth({ registry: telemetry.registry, watermark: () => wm, sampleEveryMs: 0, now: () => clock });

    await monitor.sample(); // nothing used yet: metrics not even created
    expect(monitor.health()).toEqual({ trades: 0, tradesPerSecond: 0, invalid: 0, late: 0, duplicates: 0, deadLettered: 0, lagMs: null, consumerLag: null });

    m.ingested.inc(100, { stage: 'process', symbol: 'AAPL' });
    m.ingested.inc(50, { stage: 'process', symbol: 'MSFT' });
    m.ingested.inc(999, { stage: 'produce', symbol: 'AAPL' }); // another stage in the same process (demo --kafka)
    m.invalid.inc(3, { stage: 'process', symbol: 'other', field: 'price' });
    m.invalid.inc(7, { stage: 'produce', symbol: 'other', field: 'price' });
    m.late.inc(2, { stage: 'process', symbol: 'AAPL' });
    m.duplicates.inc(4, { stage: 'process' });
    m.deadLettered.inc(3, { stage: 'process' });
    m.lastEventTime.set((T + 90_000) / 1000, { symbol: 'AAPL' });
    m.lastEventTime.set((T + 30_000) / 1000, { symbol: 'MSFT' });
    const lag = telemetry.inst.gauge('kafka_source_lag', { labelNames: ['topic', 'partition'] });
    lag.set(10, { topic: 'trades_raw', partition: '0' });
    lag.set(5, { topic: 'trades_raw', partition: '1' });
    wm = T;
    clock += 1_000;
    await monitor.sample();
    clock += 2_000;
    m.ingested.inc(300, { stage: 'process', symbol: 'AAPL' });
    await monitor.sample();
    const h = monitor.health();
    expect(h).toMatchObject({ trades: 450, invalid: 3, late: 2, duplicates: 4, deadLettered: 3, consumerLag: 15 });
    expect(h.lagMs).toBe(90_000); // newest event time (AAPL) − watermark
    expect(h.tradesPerSecond).toBe(150); // 450 trades over the 3 s since the first sample
    monitor.close();
  });

  it('measures trades/s over the rate window only', async () => {
    const telemetry = createTelemetry({ logLevel: 'error', write: () => {} });
    let clock = 0;
    const monitor = processHealth({ registry: telemetry.registry, watermark: () => 0, sampleEveryMs: 0, rateWindowMs: 5_000, now: () => clock });
    for (let s = 0; s <= 20; s++) {
      telemetry.metrics.ingested.inc(s < 10 ? 1_000 : 10, { stage: 'process', symbol: 'AAPL' });
      clock = s * 1_000;
      await monitor.sample();
    }
    // 10/s for the last 10 s: the fast start is out of the window
    expect(monitor.health().tradesPerSecond).toBe(10);
    expect(monitor.health().lagMs).toBeNull(); // no trade event time yet
  });

  it('samples on its own timer', async () => {
    const telemetry = createTelemetry({ logLevel: 'error', write: () => {} });
    telemetry.metrics.ingested.inc(7, { stage: 'process', symbol: 'AAPL' });
    const monitor = processHealth({ registry: telemetry.registry, watermark: () => 0, sampleEveryMs: 20 });
    await expect.poll(() => monitor.health().trades).toBe(7);
    telemetry.metrics.ingested.inc(1, { stage: 'process', symbol: 'AAPL' });
    await expect.poll(() => monitor.health().trades).toBe(8);
    monitor.close();
  });

  it('stops reading while nobody asks, and reads again on the next question', async () => {
    const telemetry = createTelemetry({ logLevel: 'error', write: () => {} });
    const m = telemetry.metrics;
    let clock = 0;
    m.ingested.inc(5, { stage: 'process', symbol: 'AAPL' });
    const monitor = processHealth({ registry: telemetry.registry, watermark: () => 0, sampleEveryMs: 10, idleAfterMs: 1_000, now: () => clock });
    await expect.poll(() => monitor.health().trades).toBe(5);
    clock = 5_000; // nobody asked for 5 s: the timer stops reading
    await new Promise((r) => setTimeout(r, 50));
    m.ingested.inc(1, { stage: 'process', symbol: 'AAPL' });
    await new Promise((r) => setTimeout(r, 50));
    expect(monitor.health().trades).toBe(5); // the stale reading, and a read is started
    await expect.poll(() => monitor.health().trades).toBe(6);
    monitor.close();
  });
});
