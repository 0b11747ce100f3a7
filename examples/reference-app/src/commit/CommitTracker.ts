import { partitionKeys } from '../process/partitionKeys.js';
import { floorTo } from './floorTo.js';

/** Where a Kafka record came from. Offsets are the broker's (kafkajs gives strings; numbers here). */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** A record being tracked: pass it back to {@link CommitTracker.written} and {@link CommitTracker.feed}. */
export interface TrackedRecord {
  readonly key: string;
  readonly offset: number;
}

/** A safe commit for one partition. */
export interface CommitPoint {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read after a restart (Kafka's committed-offset meaning). */
  readonly offset: number;
  /**
   * Every coarse window of this partition's records that ends at or before this event time has all
   * its bars written. On replay, records whose coarse window ends at or before it must skip the
   * windowing (their bars are complete in the store; re-feeding part of them would overwrite a full
   * bar with a partial one). `-Infinity` when nothing has closed yet.
   */
  readonly closedThrough: number;
}

/** Options of {@link CommitTracker}. */
export interface CommitTrackerOptions {
  /** Finest window (ms), the one trades go into: a trade is late when its window is closed. Default 5 min. */
  fineWindowMs?: number;
  /** Coarsest window (ms) built from the finest by rollup. Default 1 h. */
  coarseWindowMs?: number;
  /**
   * The unit of replay: `'coarse'` (default) holds the commit at the first record of every coarse
   * window not yet released — a crash replays up to a coarse window. `'fine'` holds it at the first
   * record of every fine window not yet released, plus the last record fed into every coarse window
   * whose coarse bar is not written for its latest input: the restarted processor must then seed
   * the coarse rollup from the fine bars already in the store (`SeededRollup`, ADR 0105), and a
   * crash replays about one fine window.
   */
  replayUnit?: 'fine' | 'coarse';
  /** `allowedLatenessMs` of the window operator. Default 0. */
  allowedLatenessMs?: number;
  /**
   * The `closedThrough` stored with the last commit of each partition (from the checkpoints). A
   * partition's `closedThrough` starts there and never goes below it, so a restarted processor whose
   * watermark is still low cannot store a smaller one beside a newer offset. Default: none.
   */
  initialClosedThrough?: (topic: string, partition: number) => number;
  /**
   * Called once every write of a record is acknowledged (and again if a later write was added and
   * acknowledged). The record is then folded into the windows and durable in Bronze/Silver: the
   * processor acknowledges it to the source, which frees its buffer slot — only the commit is held
   * back by open windows ({@link CommitTracker.commitPoints}), not memory.
   */
  onDurable?: (pos: RecordPosition) => void;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** offset → writes still to be acknowledged. */
  readonly pending: Map<number, number>;
  /** Highest offset seen. */
  highest: number;
  /** Monotone closedThrough of this partition. */
  closedThrough: number;
}

/** A window of the replay unit (coarse, or fine with `replayUnit: 'fine'`). */
interface UnitWindow {
  readonly end: number;
  /** partition key → smallest offset of a record from that partition fed into this window. */
  readonly firsts: Map<string, number>;
  /** Bars starting in this window emitted and not yet written. */
  outstanding: number;
  /** The bar as long as the unit has been written at least once. */
  unitWritten: boolean;
  /** Dropped from the tracker (a cached reference must not be fed any more). */
  gone: boolean;
}

/** `replayUnit: 'fine'`: a coarse window whose coarse bar the rollup still owes. */
interface CoarseDebt {
  readonly end: number;
  /** partition key → largest offset of a record from that partition fed into (or touching) this window. */
  readonly lasts: Map<string, number>;
  /** Bumped whenever the rollup takes in something the coarse bar must reflect. */
  version: number;
  /** Highest version whose coarse bar is written. */
  writtenVersion: number;
  gone: boolean;
}

/** Per symbol, the window and owed hour its last record went to (most records go to the same ones). */
interface FeedCache {
  start: number;
  w: UnitWindow;
  hour: number;
  d: CoarseDebt | undefined;
}


/**
 * Decides, per Kafka partition, how far the processor may commit so that a crash loses nothing.
 *
 * The processor writes every record to Bronze (and, unless it is a duplicate, to Silver), and
 * feeds the windows that make 5-minute and 1-hour bars. A record is safe once (a) all its writes are
 * acknowledged and (b) every bar it contributes to is written. For (b) the unit is the coarse (1 h)
 * window: its bar is rolled up from the fine (5 min) bars in memory, so after a crash every record
 * of a still-open hour must be read again. Hence, per partition:
 *
 *   commit offset = min(first record with an unacknowledged write,
 *                       first record of any coarse window not yet released)
 *
 * A window is released once the watermark has passed it, its coarse bar and all its fine bars are
 * written, and it ends at or before the partition's `closedThrough`. `closedThrough` (stored with
 * the commit) tells the restarted processor which replayed records belong to finished windows and
 * must not be re-windowed; everything after it is rebuilt from complete input. Restated bars are
 * idempotent upserts. The reasoning is in docs/adr/0070-processor-commit-protocol.md.
 *
 * Pure bookkeeping, no I/O, no clock: the processor calls it from its pipeline taps.
 *
 * @example
 * ```ts
 * const t = new CommitTracker();
 * const r = t.track({ topic: 'trades_raw', partition: 0, offset: 41 }, 1); // one write (Bronze)
 * t.written(r);
 * t.commitPoints(); // [{ topic: 'trades_raw', partition: 0, offset: 42, closedThrough: -Infinity }]
 * ```
 */
export class CommitTracker {
  readonly #fine: number;
  readonly #coarse: number;
  /** Size of the windows that hold commits: the coarse one, or the fine one with `replayUnit: 'fine'`. */
  readonly #unit: number;
  readonly #fineUnit: boolean;
  readonly #lateness: number;
  readonly #initial: (topic: string, partition: number) => number;
  readonly #onDurable: ((pos: RecordPosition) => void) | undefined;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #windows = new Map<string, UnitWindow>();
  readonly #debts = new Map<string, CoarseDebt>();
  /** Coarse bar → the version of its window it reflects (the sink's ack hands back the same object). */
  readonly #stamps = new WeakMap<object, number>();
  readonly #cache = new Map<string, FeedCache>();
  #wm = Number.NEGATIVE_INFINITY;
  /** `topic|partition` keys, built once per partition (the same string for every record: hashed once). */
  readonly #keyOf = partitionKeys();

  /** @param options - window sizes, replay unit and allowed lateness of the pipeline */
  constructor(options: CommitTrackerOptions = {}) {
    this.#fine = options.fineWindowMs ?? 300_000;
    this.#coarse = options.coarseWindowMs ?? 3_600_000;
    this.#fineUnit = options.replayUnit === 'fine';
    this.#unit = this.#fineUnit ? this.#fine : this.#coarse;
    this.#lateness = options.allowedLatenessMs ?? 0;
    this.#initial = options.initialClosedThrough ?? (() => Number.NEGATIVE_INFINITY);
    this.#onDurable = options.onDurable;
    if (!(this.#fine > 0) || !(this.#coarse > 0) || this.#coarse % this.#fine !== 0) {
      throw new RangeError(`coarseWindowMs (${this.#coarse}) must be a positive multiple of fineWindowMs (${this.#fine})`);
    }
  }

  /** The current watermark as the tracker knows it. */
  get watermark(): number {
    return this.#wm;
  }

  /** Length (ms) of the windows whose records a replay re-reads whole: what `skipOnReplay` must be given. */
  get replayUnitMs(): number {
    return this.#unit;
  }

  /**
   * Starts tracking a record that needs `writes` acknowledgements.
   * @param pos - topic, partition, offset (increasing per partition)
   * @param writes - how many writes must be acknowledged (may be raised later with {@link addWrites})
   * @returns the handle for the other calls
   */
  track(pos: RecordPosition, writes: number): TrackedRecord {
    const key = this.#keyOf(pos.topic, pos.partition);
    let p = this.#partitions.get(key);
    if (p === undefined) {
      p = { topic: pos.topic, partition: pos.partition, pending: new Map(), highest: pos.offset - 1, closedThrough: this.#initial(pos.topic, pos.partition) };
      this.#partitions.set(key, p);
    }
    if (pos.offset > p.highest || p.highest === Number.NEGATIVE_INFINITY) p.highest = pos.offset;
    if (writes > 0) p.pending.set(pos.offset, (p.pending.get(pos.offset) ?? 0) + writes);
    return { key, offset: pos.offset };
  }

  /**
   * Adds writes a record needs (e.g. the Silver write once dedupe has kept it).
   * @param r - the record
   * @param writes - how many more acknowledgements to wait for
   */
  addWrites(r: TrackedRecord, writes: number): void {
    const p = this.#partitions.get(r.key);
    if (p === undefined || writes <= 0) return;
    p.pending.set(r.offset, (p.pending.get(r.offset) ?? 0) + writes);
  }

  /**
   * One write of a record is durable.
   * @param r - the record
   */
  written(r: TrackedRecord): void {
    const p = this.#partitions.get(r.key);
    const left = p?.pending.get(r.offset);
    if (p === undefined || left === undefined) return;
    if (left > 1) {
      p.pending.set(r.offset, left - 1);
      return;
    }
    p.pending.delete(r.offset);
    this.#onDurable?.({ topic: p.topic, partition: p.partition, offset: r.offset });
  }

  /**
   * The record enters the windows with this event time (call it after the watermark operator, in
   * stream order, so the tracker's watermark is the one the window operator sees).
   * @param r - the record
   * @param symbol - its symbol
   * @param ts - its event time
   * @returns false when the window operator will treat it as late (it then holds nothing)
   */
  feed(r: TrackedRecord, symbol: string, ts: number): boolean {
    if (floorTo(ts, this.#fine) + this.#fine + this.#lateness <= this.#wm || Number.isNaN(ts)) return false;
    const start = floorTo(ts, this.#unit);
    let c = this.#cache.get(symbol);
    let w: UnitWindow;
    if (c !== undefined && c.start === start && !c.w.gone) w = c.w;
    else {
      const wkey = `${symbol}|${start}`;
      const found = this.#windows.get(wkey);
      if (found === undefined) {
        w = { end: start + this.#unit, firsts: new Map(), outstanding: 0, unitWritten: false, gone: false };
        this.#windows.set(wkey, w);
      } else w = found;
      if (c === undefined) this.#cache.set(symbol, (c = { start, w, hour: Number.NaN, d: undefined }));
      else {
        c.start = start;
        c.w = w;
      }
    }
    const first = w.firsts.get(r.key);
    if (first === undefined || r.offset < first) w.firsts.set(r.key, r.offset);
    if (this.#fineUnit) {
      const hour = floorTo(ts, this.#coarse);
      const d = c.hour === hour && c.d !== undefined && !c.d.gone ? c.d : this.#debt(symbol, hour);
      c.hour = hour;
      c.d = d;
      const last = d.lasts.get(r.key);
      if (last === undefined || r.offset > last) d.lasts.set(r.key, r.offset);
    }
    return true;
  }

  /**
   * `replayUnit: 'fine'`: a record's coarse window owes a coarse bar although the record itself
   * does not enter the fine windows — a replayed record of a finished fine window made the rollup
   * rebuild its coarse window from the store (`SeededRollup.touch` returned true). The commit is
   * held at this record until that coarse bar is written. A no-op with `replayUnit: 'coarse'`.
   * @param r - the record
   * @param symbol - its symbol
   * @param ts - its event time
   */
  touch(r: TrackedRecord, symbol: string, ts: number): void {
    if (!this.#fineUnit || Number.isNaN(ts)) return;
    const d = this.#debt(symbol, floorTo(ts, this.#coarse));
    const last = d.lasts.get(r.key);
    if (last === undefined || r.offset > last) d.lasts.set(r.key, r.offset);
    d.version++;
  }

  /**
   * `replayUnit: 'fine'`: the rollup found nothing to build for a coarse window it was seeding (no
   * fine bar in the store nor in the stream): no coarse bar is owed for what it has taken in so far.
   * @param symbol - the symbol
   * @param start - the coarse window's start
   */
  settle(symbol: string, start: number): void {
    const d = this.#debts.get(`${symbol}|${floorTo(start, this.#coarse)}`);
    if (d && d.writtenVersion < d.version) d.writtenVersion = d.version;
  }

  #debt(symbol: string, start: number): CoarseDebt {
    const dkey = `${symbol}|${start}`;
    let d = this.#debts.get(dkey);
    if (d === undefined) {
      d = { end: start + this.#coarse, lasts: new Map(), version: 0, writtenVersion: 0, gone: false };
      this.#debts.set(dkey, d);
    }
    return d;
  }

  /**
   * The watermark advanced (the same values the window operator receives).
   * @param wm - the new watermark (event time)
   */
  advance(wm: number): void {
    if (wm > this.#wm) this.#wm = wm;
  }

  /**
   * A bar (fine or coarse) was emitted towards the store. With `replayUnit: 'fine'`, call it for a
   * fine bar before the rollup takes the bar in, and for a coarse bar as the rollup emits it.
   * @param bar - its symbol, window start and (to tell a coarse bar from a fine one) end
   */
  barEmitted(bar: { symbol: string; start: number; end?: number }): void {
    if (this.#fineUnit) {
      const d = this.#debts.get(`${bar.symbol}|${floorTo(bar.start, this.#coarse)}`);
      if (bar.end !== undefined && bar.end - bar.start === this.#coarse) {
        if (d) this.#stamps.set(bar, d.version);
        return;
      }
      if (d) d.version++;
    }
    const w = this.#windowOf(bar);
    if (w) w.outstanding++;
  }

  /**
   * A bar was written durably.
   * @param bar - the bar object given to {@link barEmitted}: its symbol, start and end (a bar as long as the replay unit marks that window's bar as written)
   */
  barWritten(bar: { symbol: string; start: number; end: number }): void {
    if (this.#fineUnit && bar.end - bar.start === this.#coarse) {
      const d = this.#debts.get(`${bar.symbol}|${floorTo(bar.start, this.#coarse)}`);
      const v = this.#stamps.get(bar);
      if (d && v !== undefined && v > d.writtenVersion) d.writtenVersion = v;
      return;
    }
    const w = this.#windowOf(bar);
    if (!w) return;
    if (w.outstanding > 0) w.outstanding--;
    if (bar.end - bar.start === this.#unit) w.unitWritten = true;
  }

  #windowOf(bar: { symbol: string; start: number }): UnitWindow | undefined {
    return this.#windows.get(`${bar.symbol}|${floorTo(bar.start, this.#unit)}`);
  }

  #done(w: UnitWindow): boolean {
    return this.#wm >= w.end + this.#lateness && w.unitWritten && w.outstanding === 0;
  }

  /**
   * The safe commit point of every partition seen, releasing finished windows on the way.
   * @returns one {@link CommitPoint} per partition
   */
  commitPoints(): CommitPoint[] {
    // closedThrough per partition: below the end of every unfinished window holding it, and never
    // beyond the watermark (minus lateness).
    const ceiling = this.#wm - this.#lateness;
    const ct = new Map<string, number>();
    for (const key of this.#partitions.keys()) ct.set(key, ceiling);
    for (const w of this.#windows.values()) {
      if (this.#done(w)) continue;
      for (const key of w.firsts.keys()) {
        const c = ct.get(key);
        if (c !== undefined && w.end - 1 < c) ct.set(key, w.end - 1);
      }
    }
    for (const [key, c] of ct) {
      const p = this.#partitions.get(key)!;
      if (c > p.closedThrough) p.closedThrough = c;
    }
    // Release finished windows that every partition they hold has closed through.
    const first = new Map<string, number>();
    for (const [wkey, w] of this.#windows) {
      if (this.#done(w) && [...w.firsts.keys()].every((k) => w.end <= (this.#partitions.get(k)?.closedThrough ?? Number.NEGATIVE_INFINITY))) {
        this.#windows.delete(wkey);
        w.gone = true;
        continue;
      }
      for (const [key, off] of w.firsts) if (off < (first.get(key) ?? Number.POSITIVE_INFINITY)) first.set(key, off);
    }
    // Coarse bars still owed hold their partitions at the last record that fed them: a restart
    // reads it again, and the rollup rebuilds the coarse window from the stored fine bars.
    for (const [dkey, d] of this.#debts) {
      if (this.#wm >= d.end + this.#lateness && d.writtenVersion >= d.version) {
        this.#debts.delete(dkey);
        d.gone = true;
        continue;
      }
      for (const [key, off] of d.lasts) if (off < (first.get(key) ?? Number.POSITIVE_INFINITY)) first.set(key, off);
    }
    const out: CommitPoint[] = [];
    for (const [key, p] of this.#partitions) {
      if (p.highest === Number.NEGATIVE_INFINITY && p.pending.size === 0) continue; // restored, nothing read yet
      // the smallest pending offset (a write added after the others were acknowledged re-enters the
      // Map at its end, so Map order is not offset order)
      let offset = p.highest + 1;
      for (const o of p.pending.keys()) if (o < offset) offset = o;
      const held = first.get(key);
      if (held !== undefined && held < offset) offset = held;
      out.push({ topic: p.topic, partition: p.partition, offset, closedThrough: p.closedThrough });
    }
    return out;
  }

  /**
   * Carries a partition's stored `closedThrough` over from the previous run, so this run's commits
   * never store a smaller one (a fresh tracker starts from `-Infinity`).
   * @param topic - topic
   * @param partition - partition
   * @param closedThrough - from the last checkpoint
   */
  restore(topic: string, partition: number, closedThrough: number): void {
    const key = `${topic}|${partition}`;
    let p = this.#partitions.get(key);
    if (p === undefined) {
      p = { topic, partition, pending: new Map(), highest: Number.NEGATIVE_INFINITY, closedThrough };
      this.#partitions.set(key, p);
    } else if (closedThrough > p.closedThrough) p.closedThrough = closedThrough;
  }

  /**
   * The partition is being delivered again from an earlier offset (after a rebalance the consumer
   * restarts from the committed offset): forget its pending writes but keep what its windows hold
   * (those records are still in Kafka at the same offsets, and their bars are not written yet).
   * @param topic - topic
   * @param partition - partition
   */
  redelivered(topic: string, partition: number): void {
    const p = this.#partitions.get(`${topic}|${partition}`);
    if (p === undefined) return;
    p.pending.clear();
    p.highest = Number.NEGATIVE_INFINITY;
  }

  /**
   * Forgets a partition (after a rebalance took it away). Its windows stop holding it.
   * @param topic - topic
   * @param partition - partition
   */
  release(topic: string, partition: number): void {
    const key = `${topic}|${partition}`;
    this.#partitions.delete(key);
    for (const w of this.#windows.values()) w.firsts.delete(key);
    for (const d of this.#debts.values()) d.lasts.delete(key);
  }

  /** Counts for metrics and tests (`openWindows`: windows of the replay unit; `owedCoarseBars`: with `replayUnit: 'fine'`). */
  stats(): { partitions: number; openWindows: number; owedCoarseBars: number; pendingRecords: number } {
    let pendingRecords = 0;
    for (const p of this.#partitions.values()) pendingRecords += p.pending.size;
    return { partitions: this.#partitions.size, openWindows: this.#windows.size, owedCoarseBars: this.#debts.size, pendingRecords };
  }
}
