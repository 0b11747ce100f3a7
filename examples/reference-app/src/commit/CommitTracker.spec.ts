import { describe, expect, it } from 'vitest';
import { CommitTracker } from './CommitTracker.js';
import { skipOnReplay } from './skipOnReplay.js';

const H = 3_600_000;
const M5 = 300_000;
const T0 = Date.UTC(2020, 1, 22, 0, 0);
const pos = (offset: number, partition = 0) => ({ topic: 'trades_raw', partition, offset });
const point = (t: CommitTracker, partition = 0) => t.commitPoints().find((p) => p.partition === partition)!;

describe('CommitTracker', () => {
  it('starts each partition at its stored closedThrough and never commits a smaller one (a restart with a low watermark)', () => {
    const t = new CommitTracker({ initialClosedThrough: (_topic, partition) => (partition === 0 ? T0 + 2 * H : Number.NEGATIVE_INFINITY) });
    t.written(t.track(pos(100, 0), 1));
    t.written(t.track(pos(7, 1), 1));
    t.advance(T0); // the restarted processor's watermark is still far behind
    expect(point(t, 0)).toEqual({ topic: 'trades_raw', partition: 0, offset: 101, closedThrough: T0 + 2 * H });
    expect(point(t, 1).closedThrough).toBe(T0);
    // without the seed the same tracker would store T0 beside offset 101: a later restart would re-window hours it already closed
    const unseeded = new CommitTracker();
    unseeded.written(unseeded.track(pos(100, 0), 1));
    unseeded.advance(T0);
    expect(point(unseeded, 0).closedThrough).toBe(T0);
  });

  it('commits past acknowledged records and stops at the first unacknowledged one', () => {
    const t = new CommitTracker();
    const r = [0, 1, 2, 3].map((o) => t.track(pos(o), 1));
    t.written(r[0]!);
    t.written(r[2]!); // acks out of order
    expect(point(t).offset).toBe(1);
    t.written(r[1]!);
    expect(point(t).offset).toBe(3);
    t.written(r[3]!);
    expect(point(t).offset).toBe(4);
  });

  it('reports a record durable once all its writes are acknowledged, while the open hour still holds the commit', () => {
    const durable: number[] = [];
    const t = new CommitTracker({ onDurable: (p) => durable.push(p.offset) });
    const a = t.track(pos(0), 1);
    const b = t.track(pos(1), 1);
    t.addWrites(a, 1); // Silver too
    t.feed(a, 'AAA', T0 + 1000);
    t.feed(b, 'AAA', T0 + 2000);
    t.written(a);
    expect(durable).toEqual([]); // one write left
    t.written(b);
    t.written(a);
    expect(durable).toEqual([1, 0]);
    expect(t.stats().pendingRecords).toBe(0);
    expect(point(t).offset).toBe(0); // their hour is open: the commit stays at its first record
  });

  it('commits at the smallest pending offset even when a write was added after the others were acknowledged', () => {
    const t = new CommitTracker();
    const a = t.track(pos(5), 1);
    const b = t.track(pos(6), 1);
    t.written(a); // a synchronous sink acknowledged Bronze before dedupe added the Silver write
    t.addWrites(a, 1); // re-enters the pending map after offset 6
    expect(point(t).offset).toBe(5);
    t.written(b);
    expect(point(t).offset).toBe(5);
    t.written(a);
    expect(point(t).offset).toBe(7);
  });

  it('waits for every write of a record (Bronze and Silver)', () => {
    const t = new CommitTracker();
    const r = t.track(pos(10), 1);
    t.addWrites(r, 1);
    t.written(r);
    expect(point(t).offset).toBe(10);
    t.written(r);
    expect(point(t).offset).toBe(11);
  });

  it('tracks partitions independently', () => {
    const t = new CommitTracker();
    const a = t.track(pos(5, 0), 1);
    t.track(pos(7, 1), 1);
    t.written(a);
    expect(point(t, 0).offset).toBe(6);
    expect(point(t, 1).offset).toBe(7);
  });

  it('never commits past the first record of a still-open window, even when all writes are acked', () => {
    const t = new CommitTracker();
    const r0 = t.track(pos(0), 1);
    t.feed(r0, 'BTC', T0 + 1_000); // hour 0
    const r1 = t.track(pos(1), 1);
    t.feed(r1, 'BTC', T0 + 2_000);
    t.written(r0);
    t.written(r1);
    expect(point(t).offset).toBe(0);
    expect(point(t).closedThrough).toBe(Number.NEGATIVE_INFINITY);
  });

  it('releases a window only once the watermark passed it and its fine and coarse bars are written', () => {
    const t = new CommitTracker();
    const r0 = t.track(pos(0), 1);
    t.feed(r0, 'BTC', T0 + 1_000);
    t.written(r0);
    const r1 = t.track(pos(1), 1);
    t.feed(r1, 'BTC', T0 + H + 1_000); // next hour
    t.written(r1);
    t.advance(T0 + H); // hour 0 closes
    const fine = { symbol: 'BTC', start: T0, end: T0 + M5 };
    const coarse = { symbol: 'BTC', start: T0, end: T0 + H };
    t.barEmitted(fine);
    t.barEmitted(coarse);
    expect(point(t).offset).toBe(0);
    t.barWritten(coarse);
    expect(point(t).offset).toBe(0); // the 5m bar is still in flight
    t.barWritten(fine);
    const p = point(t);
    expect(p.offset).toBe(1); // hour 1 is still open: its first record stays uncommitted
    expect(p.closedThrough).toBe(T0 + H);
    expect(t.stats().openWindows).toBe(1);
  });

  it('holds closedThrough below an unfinished window even when the watermark is past it', () => {
    const t = new CommitTracker();
    const r0 = t.track(pos(0), 1);
    t.feed(r0, 'BTC', T0 + 1_000);
    t.written(r0);
    t.advance(T0 + 3 * H);
    expect(point(t).closedThrough).toBe(T0 + H - 1);
    expect(point(t).offset).toBe(0);
    t.barEmitted({ symbol: 'BTC', start: T0 });
    t.barWritten({ symbol: 'BTC', start: T0, end: T0 + H });
    expect(point(t)).toMatchObject({ offset: 1, closedThrough: T0 + 3 * H });
  });

  it('treats records in closed fine windows as late: they hold nothing', () => {
    const t = new CommitTracker();
    t.advance(T0 + 10 * M5);
    const r = t.track(pos(3), 1);
    expect(t.feed(r, 'BTC', T0 + M5 + 5)).toBe(false);
    expect(t.feed(r, 'BTC', T0 + 10 * M5)).toBe(true);
  });

  it('respects allowed lateness', () => {
    const t = new CommitTracker({ allowedLatenessMs: 60_000 });
    t.advance(T0 + M5 + 59_999);
    const r = t.track(pos(0), 1);
    expect(t.feed(r, 'BTC', T0 + 1)).toBe(true);
    t.advance(T0 + M5 + 60_000);
    expect(t.feed(r, 'BTC', T0 + 1)).toBe(false);
  });

  it('closedThrough never goes backwards and forgets released partitions', () => {
    const t = new CommitTracker();
    t.track(pos(0), 0);
    t.advance(T0 + 2 * H);
    expect(point(t).closedThrough).toBe(T0 + 2 * H);
    t.advance(T0 + H);
    expect(point(t).closedThrough).toBe(T0 + 2 * H);
    t.release('trades_raw', 0);
    expect(t.commitPoints()).toEqual([]);
  });

  it('after a redelivery (rebalance) forgets pending writes but keeps holding open windows', () => {
    const t = new CommitTracker();
    const r0 = t.track(pos(0), 1);
    t.feed(r0, 'BTC', T0 + 1_000);
    const r1 = t.track(pos(1), 1);
    t.written(r1);
    t.redelivered('trades_raw', 0);
    // the same records come again; dedupe drops them, so only Bronze is written
    for (const o of [0, 1]) t.written(t.track(pos(o), 1));
    expect(point(t).offset).toBe(0); // hour 0 still holds offset 0
  });

  it('keeps the closedThrough of the previous run (a restart never stores a smaller one)', () => {
    const t = new CommitTracker();
    t.restore('trades_raw', 0, T0 + 3 * H);
    expect(t.commitPoints()).toEqual([]); // nothing read yet: nothing to commit
    const r = t.track(pos(50), 1);
    t.feed(r, 'BTC', T0 + 3 * H + 1_000);
    t.written(r);
    expect(point(t)).toMatchObject({ offset: 50, closedThrough: T0 + 3 * H });
  });

  it('rejects a coarse window that is not a multiple of the fine one', () => {
    expect(() => new CommitTracker({ fineWindowMs: 7, coarseWindowMs: 10 })).toThrow(RangeError);
  });
});

describe("CommitTracker with replayUnit 'fine'", () => {
  const fineTracker = () => new CommitTracker({ replayUnit: 'fine' });
  const write = (t: CommitTracker, bar: { symbol: string; start: number; end: number }) => {
    t.barEmitted(bar);
    t.barWritten(bar);
  };

  it('commits past a finished 5m window inside an open hour, holding the last record of the hour until its 1h bar is written', () => {
    const t = fineTracker();
    expect(t.replayUnitMs).toBe(M5);
    const r0 = t.track(pos(0), 1);
    t.feed(r0, 'BTC', T0 + 1_000); // 5m window 0
    const r1 = t.track(pos(1), 1);
    t.feed(r1, 'BTC', T0 + M5 + 1_000); // 5m window 1
    t.written(r0);
    t.written(r1);
    t.advance(T0 + M5);
    expect(point(t).offset).toBe(0); // window 0's bar not written yet
    write(t, { symbol: 'BTC', start: T0, end: T0 + M5 });
    expect(point(t)).toEqual({ topic: 'trades_raw', partition: 0, offset: 1, closedThrough: T0 + M5 });
    // the hour closes: window 1 written, but the 1h bar is still owed — held at the hour's last record
    t.advance(T0 + H);
    write(t, { symbol: 'BTC', start: T0 + M5, end: T0 + 2 * M5 });
    expect(point(t).offset).toBe(1);
    const hourBar = { symbol: 'BTC', start: T0, end: T0 + H };
    t.barEmitted(hourBar);
    expect(point(t).offset).toBe(1);
    t.barWritten(hourBar);
    expect(point(t)).toMatchObject({ offset: 2, closedThrough: T0 + H });
    expect(t.stats()).toMatchObject({ openWindows: 0, owedCoarseBars: 0 });
  });

  it('a 1h bar emitted before the last 5m bar reached the rollup does not release the hour', () => {
    const t = fineTracker();
    const r0 = t.track(pos(0), 0);
    t.feed(r0, 'BTC', T0 + 1_000);
    const early = { symbol: 'BTC', start: T0, end: T0 + H };
    t.barEmitted({ symbol: 'BTC', start: T0, end: T0 + M5 });
    t.barEmitted(early); // reflects the bar above
    t.barWritten({ symbol: 'BTC', start: T0, end: T0 + M5 });
    const r1 = t.track(pos(1), 0);
    t.feed(r1, 'BTC', T0 + 11 * M5 + 1);
    t.advance(T0 + H);
    write(t, { symbol: 'BTC', start: T0 + 11 * M5, end: T0 + H }); // the rollup now owes a newer 1h bar
    t.barWritten(early);
    expect(point(t).offset).toBe(1);
    write(t, { symbol: 'BTC', start: T0, end: T0 + H });
    expect(point(t).offset).toBe(2);
  });

  it('a replayed record that only touched the hour holds the commit until the rebuilt 1h bar is written, or until the rollup settles it', () => {
    const t = fineTracker();
    t.restore('trades_raw', 0, T0 + 2 * M5);
    const r = t.track(pos(7), 0);
    t.touch(r, 'BTC', T0 + 1_000);
    t.advance(T0 + H);
    expect(point(t).offset).toBe(7);
    t.settle('BTC', T0);
    expect(point(t).offset).toBe(8);
  });

  it('keeps the coarse unit by default (what replays need without a seeded rollup)', () => {
    const t = new CommitTracker();
    expect(t.replayUnitMs).toBe(H);
    const r = t.track(pos(0), 0);
    t.touch(r, 'BTC', T0); // a no-op with the coarse unit
    expect(t.stats().owedCoarseBars).toBe(0);
  });
});

describe('skipOnReplay', () => {
  it('skips records whose hour ended at or before closedThrough', () => {
    expect(skipOnReplay(T0 + 30 * 60_000, T0 + H)).toBe(true);
    expect(skipOnReplay(T0 + H, T0 + H)).toBe(false);
    expect(skipOnReplay(T0, T0 + H - 1)).toBe(false);
    expect(skipOnReplay(T0, Number.NEGATIVE_INFINITY)).toBe(false);
  });
});
