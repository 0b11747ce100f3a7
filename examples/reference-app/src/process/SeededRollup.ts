import { type Bar, backoff, type Instrumentation, noopInstrumentation } from '@tickflow/core';
import { mergeBars, type OhlcvBar } from '@tickflow/operators';
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { floorTo } from '../commit/floorTo.js';

/** Reads the stored fine bars of a symbol with window start in `[from, to)` (e.g. `readBars` on `trades_gold_5m`). */
export type FineBarReader = (symbol: string, from: number, to: number) => Promise<Bar[]>;

/** Options of {@link SeededRollup}. */
export interface SeededRollupOptions {
  /** Reads fine bars from the store (Gold 5m). */
  readFine: FineBarReader;
  /** Coarse window (ms). Default 1 h. */
  coarseWindowMs?: number;
  /** `allowedLatenessMs` of the fine windows: a coarse window is due once the watermark passes its end plus this. Default 0. */
  allowedLatenessMs?: number;
  /** Interval label of the coarse bars. Default `'1h'`. */
  interval?: string;
  /** Seed reads in flight at once (default 16); more wait their turn. */
  maxConcurrentReads?: number;
  /**
   * A window {@link SeededRollup.touch} answered true for turned out to hold no fine bar once its seed
   * was read: no coarse bar will come for it (the processor then stops holding the commit for it).
   */
  onSettled?: (symbol: string, start: number) => void;
  /**
   * A symbol's records came from another partition than before. The commit protocol assumes one
   * partition per symbol (key = symbol); this happens after partitions were added to a live topic.
   */
  onSymbolMoved?: (symbol: string, from: string, to: string) => void;
  /** Told about every failed seed read (it is retried with backoff until it succeeds). */
  onReadError?: (error: unknown, symbol: string, start: number) => void;
  /** Metrics: `rollup_seed_reads_total`, `rollup_seed_bars_total`, `rollup_seed_errors_total`. */
  instrumentation?: Instrumentation;
  /** Timers of the retry backoff. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

interface Win {
  readonly start: number;
  /** Fine bars by start: seeded from the store or taken in from the stream (the stream's win). */
  readonly subs: Map<number, Bar>;
  /** Starts taken in from the stream since the last seed began: a seed never replaces them. */
  readonly fresh: Set<number>;
  /** Seed reads not answered yet: the coarse bar waits for them. */
  seeding: number;
  /** The coarse bar is due (its window is complete or a later one began), waiting only for seeds. */
  due: boolean;
  emitted: boolean;
  revision: number;
  epoch: number;
}

interface Sym {
  part: string;
  /** Bumped when the symbol's partition is delivered again (rebalance): its windows must be seeded again. */
  epoch: number;
  readonly wins: Map<number, Win>;
  /** Start of the newest coarse window emitted; older ones are forgotten. */
  newest: number;
}

/**
 * The processor's 1 h rollup, able to start mid-hour: when the first record of a (symbol, hour) in
 * this run is seen ({@link SeededRollup.touch}), the 5 m bars of that hour that a checkpoint proves
 * complete (window end ≤ the partition's stored `closedThrough`) are read back from Gold, and the
 * 1 h bar is built from them plus the 5 m bars re-emitted from the replay (a re-emitted bar replaces
 * a seeded one with the same start, so nothing is counted twice). Only the symbol whose seed is
 * being read waits; every other symbol's bars flow on. This is what lets the commit protocol replay
 * 5 minutes instead of an hour (ADR 0105).
 *
 * Bars are combined by `mergeBars` from `@tickflow/operators`, as `rollup` combines them: open of the
 * earliest fine bar, close of the latest, max high, min low, Σvolume, Σcount, vwap = Σ(vwap·volume)/Σvolume. A coarse
 * bar is emitted when its last fine bar arrives, when a later window of the symbol begins, or on
 * completion — and not before its seed is in. A fine bar for an already emitted window restates it
 * (`revision` 1, 2, …).
 *
 * @example
 * ```ts
 * const hours = new SeededRollup({ readFine: (symbol, from, to) => readBars(client, { symbol, interval: '5m', from, to }) });
 * hours.touch('trades_raw|3', 'AAPL', trade.ts, storedClosedThrough); // for every record, before the windows
 * bars5m$.pipe(hours.operator()).subscribe(writeGold1h);
 * ```
 */
export class SeededRollup {
  readonly #read: FineBarReader;
  readonly #coarse: number;
  readonly #lateness: number;
  readonly #interval: string;
  readonly #maxReads: number;
  readonly #onReadError: ((error: unknown, symbol: string, start: number) => void) | undefined;
  readonly #onSettled: ((symbol: string, start: number) => void) | undefined;
  readonly #onMoved: ((symbol: string, from: string, to: string) => void) | undefined;
  readonly #scheduler: SchedulerLike;
  readonly #syms = new Map<string, Sym>();
  readonly #queue: (() => void)[] = [];
  readonly #reads;
  readonly #seedBars;
  readonly #errors;
  #inFlight = 0;
  #pendingSeeds = 0;
  #wm = Number.NEGATIVE_INFINITY;
  /** End of the last coarse window made due by the watermark. */
  #flushedThrough = Number.NEGATIVE_INFINITY;
  #flushScheduled = false;
  #emit: ((bar: OhlcvBar) => void) | undefined;
  #onIdle: (() => void) | undefined;

  /** @param options - the store reader, window size and limits */
  constructor(options: SeededRollupOptions) {
    this.#read = options.readFine;
    this.#coarse = options.coarseWindowMs ?? 3_600_000;
    this.#lateness = options.allowedLatenessMs ?? 0;
    this.#interval = options.interval ?? '1h';
    this.#maxReads = Math.max(1, options.maxConcurrentReads ?? 16);
    this.#onReadError = options.onReadError;
    this.#onSettled = options.onSettled;
    this.#onMoved = options.onSymbolMoved;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    const inst = options.instrumentation ?? noopInstrumentation;
    this.#reads = inst.counter('rollup_seed_reads_total', { help: 'Coarse windows seeded from the stored fine bars' });
    this.#seedBars = inst.counter('rollup_seed_bars_total', { help: 'Fine bars read back from the store to seed coarse windows' });
    this.#errors = inst.counter('rollup_seed_errors_total', { help: 'Failed seed reads (retried)' });
  }

  /**
   * A record of `symbol` at `ts` is about to be processed (whether it enters the windows or skips
   * them on replay). The first time a (symbol, hour) is seen in this run — or since its partition
   * was delivered again — the hour's fine bars that ended at or before `seedThrough` are read from
   * the store.
   * @param part - the record's partition (`topic|partition`)
   * @param symbol - its symbol
   * @param ts - its event time
   * @param seedThrough - the partition's stored `closedThrough` (fine windows ending at or before it are complete in the store); `-Infinity` reads nothing
   * @returns true when a seed read started for the hour: a coarse bar for it will be emitted once the seed is in (or, if the hour turns out empty, `onSettled` is called)
   */
  touch(part: string, symbol: string, ts: number, seedThrough: number): boolean {
    let s = this.#syms.get(symbol);
    if (s === undefined) {
      s = { part, epoch: 0, wins: new Map(), newest: Number.NEGATIVE_INFINITY };
      this.#syms.set(symbol, s);
    } else if (s.part !== part) {
      if (s.part !== '') this.#onMoved?.(symbol, s.part, part);
      s.part = part;
    }
    const start = floorTo(ts, this.#coarse);
    let w = s.wins.get(start);
    if (w !== undefined && w.epoch === s.epoch) return false;
    if (w === undefined) {
      // an hour older than one already emitted is rebuilt only if the store holds all of it
      if (start <= s.newest && start + this.#coarse > seedThrough) return false;
      w = { start, subs: new Map(), fresh: new Set(), seeding: 0, due: start < s.newest || this.#closed(start), emitted: false, revision: 0, epoch: s.epoch };
      s.wins.set(start, w);
    } else {
      w.epoch = s.epoch;
      w.fresh.clear();
      if (w.emitted) w.due = true;
    }
    if (!(start < seedThrough)) return false; // nothing of this hour can be in the store yet
    this.#seed(symbol, s, w, seedThrough);
    return true;
  }

  /**
   * The watermark the fine windows were given. Once it passes a coarse window's end (+ lateness),
   * every fine bar of that window has been emitted, so its coarse bar is emitted too — a symbol that
   * stopped trading mid-hour does not wait for its next trade (which would hold the commit). Call it
   * before the fine windows see the watermark; the coarse bars follow on the scheduler, after the fine
   * bars this watermark closes.
   * @param wm - the watermark (event time)
   */
  advance(wm: number): void {
    if (!(wm > this.#wm)) return;
    this.#wm = wm;
    if (this.#flushScheduled || floorTo(wm - this.#lateness, this.#coarse) <= this.#flushedThrough) return;
    this.#flushScheduled = true;
    this.#scheduler.schedule(() => {
      this.#flushScheduled = false;
      const through = floorTo(this.#wm - this.#lateness, this.#coarse);
      this.#flushedThrough = through;
      for (const [symbol, s] of this.#syms) {
        for (const w of s.wins.values()) {
          if (w.subs.size === 0 && w.seeding === 0 && w.start + this.#coarse <= through) {
            s.wins.delete(w.start); // a settled hour with nothing in it
            continue;
          }
          if (!w.emitted && w.start + this.#coarse <= through) {
            w.due = true;
            this.#tryEmit(symbol, s, w);
          }
        }
      }
    });
  }

  #closed(start: number): boolean {
    return start + this.#coarse + this.#lateness <= this.#wm;
  }

  /**
   * The partition is delivered again from its committed offset (a rebalance gave it back): its
   * symbols' hours are seeded again on their next record, from the newer checkpoint.
   * @param part - `topic|partition`
   */
  resetPartition(part: string): void {
    for (const s of this.#syms.values()) if (s.part === part) s.epoch++;
  }

  /** Counts for metrics and tests. */
  stats(): { symbols: number; openWindows: number; pendingSeeds: number } {
    let openWindows = 0;
    for (const s of this.#syms.values()) openWindows += s.wins.size;
    return { symbols: this.#syms.size, openWindows, pendingSeeds: this.#pendingSeeds };
  }

  /**
   * The rollup itself: fine bars in, coarse bars out. Subscribe it once.
   * @returns an operator from fine bars to coarse bars
   */
  operator(): OperatorFunction<Bar, OhlcvBar> {
    return (source) =>
      new Observable<OhlcvBar>((subscriber) => {
        let upstreamDone = false;
        this.#emit = (bar) => subscriber.next(bar);
        this.#onIdle = () => {
          if (upstreamDone && this.#pendingSeeds === 0) subscriber.complete();
        };
        const sub = source.subscribe({
          next: (bar) => this.#take(bar),
          error: (e) => subscriber.error(e),
          complete: () => {
            upstreamDone = true;
            const all: [string, Sym, Win][] = [];
            for (const [symbol, s] of this.#syms) for (const w of s.wins.values()) if (!w.emitted && w.subs.size > 0) all.push([symbol, s, w]);
            all.sort((a, b) => a[2].start - b[2].start);
            for (const [symbol, s, w] of all) {
              w.due = true;
              this.#tryEmit(symbol, s, w);
            }
            this.#onIdle?.();
          },
        });
        return () => {
          sub.unsubscribe();
          this.#emit = undefined;
          this.#onIdle = undefined;
        };
      });
  }

  #take(bar: Bar): void {
    let s = this.#syms.get(bar.symbol);
    if (s === undefined) {
      s = { part: '', epoch: 0, wins: new Map(), newest: Number.NEGATIVE_INFINITY };
      this.#syms.set(bar.symbol, s);
    }
    const start = floorTo(bar.start, this.#coarse);
    let w = s.wins.get(start);
    if (w === undefined) {
      // bars of one symbol come in time order: nothing older than an emitted hour can arrive
      if (start < s.newest) return;
      w = { start, subs: new Map(), fresh: new Set(), seeding: 0, due: this.#closed(start), emitted: false, revision: 0, epoch: s.epoch };
      s.wins.set(start, w);
    }
    w.subs.set(bar.start, bar);
    w.fresh.add(bar.start);
    if (w.emitted) {
      w.due = true;
      this.#tryEmit(bar.symbol, s, w);
      return;
    }
    for (const o of s.wins.values()) {
      if (o.start < start && !o.emitted) {
        o.due = true;
        this.#tryEmit(bar.symbol, s, o);
      }
    }
    if (bar.end === start + this.#coarse || w.due) {
      w.due = true;
      this.#tryEmit(bar.symbol, s, w);
    }
  }

  #tryEmit(symbol: string, s: Sym, w: Win): void {
    if (!w.due || w.seeding > 0 || w.subs.size === 0 || this.#emit === undefined) return;
    if (w.emitted) w.revision++;
    w.due = false;
    w.emitted = true;
    if (w.start > s.newest) {
      s.newest = w.start;
      for (const [k, o] of s.wins) if (k < w.start && o.emitted && o.seeding === 0 && !o.due) s.wins.delete(k);
    }
    this.#emit(mergeBars(w.subs.values(), { symbol, interval: this.#interval, start: w.start, end: w.start + this.#coarse, revision: w.revision }));
  }

  #seed(symbol: string, s: Sym, w: Win, through: number): void {
    w.seeding++;
    this.#pendingSeeds++;
    const epoch = s.epoch;
    const run = (attempt: number) => {
      this.#inFlight++;
      this.#reads.inc(1);
      this.#read(symbol, w.start, Math.min(w.start + this.#coarse, through)).then(
        (bars) => {
          this.#next();
          if (epoch === w.epoch && s.wins.get(w.start) === w) {
            for (const b of bars) {
              if (b.end <= through && b.start >= w.start && !w.fresh.has(b.start)) {
                w.subs.set(b.start, { ...b, symbol });
                this.#seedBars.inc(1);
              }
            }
          }
          w.seeding--;
          this.#pendingSeeds--;
          if (w.subs.size === 0 && w.seeding === 0) this.#onSettled?.(symbol, w.start);
          this.#tryEmit(symbol, s, w);
          this.#onIdle?.();
        },
        (error: unknown) => {
          this.#next();
          this.#errors.inc(1);
          this.#onReadError?.(error, symbol, w.start);
          this.#scheduler.schedule(() => this.#enqueue(() => run(attempt + 1)), backoff(attempt + 1, { initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 }));
        },
      );
    };
    this.#enqueue(() => run(0));
  }

  #enqueue(start: () => void): void {
    if (this.#inFlight < this.#maxReads) start();
    else this.#queue.push(start);
  }

  #next(): void {
    this.#inFlight--;
    const start = this.#queue.shift();
    if (start) start();
  }
}
