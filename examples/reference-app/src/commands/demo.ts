import { type InvalidRecord, TradeSchema } from '@tickflow/core';
import { dedupe, type OhlcvBar, ohlcvWindow, rollup, validate, watermark } from '@tickflow/operators';
import { filter, share, type Subscription, tap } from 'rxjs';
import { buildWebInBackground } from '../api/buildWebInBackground.js';
import { demoHealth } from '../api/demoHealth.js';
import { mountApi } from '../api/mountApi.js';
import { storeBarReader } from '../api/storeBarReader.js';
import type { CommandContext } from '../cli/CommandContext.js';
import { BarStore } from '../demo/BarStore.js';
import { DemoStats } from '../demo/DemoStats.js';
import { formatBar, renderSummary, summaryLine } from '../demo/renderSummary.js';
import { startOpsServerWithFallback } from '../ops/startOpsServerWithFallback.js';
import { createTradeSource } from '../sources/createTradeSource.js';

/** What a running demo exposes (the live chart page reads `store`). */
export interface DemoHandle {
  store: BarStore;
  stats: DemoStats;
  /** Resolves when the input ends (finite sources) or shutdown is requested. */
  done: Promise<void>;
}

/**
 * `tickflow demo`: trades (replayed real ones, synthetic, or live Finnhub with a key) → validate →
 * dedupe → watermark → 5m bars (live provisional + final) and 1h rollups, kept in an in-memory
 * {@link BarStore} served at `/api/bars` and shown as a live summary in the terminal (one line per
 * final bar plus a summary line when stdout is not a terminal). With `--kafka`/`--cassandra` it
 * runs the real producer and processor instead.
 *
 * @param ctx - command context
 * @returns once the demo has stopped
 * @example
 * ```ts
 * await demo(ctx); // npm start
 * ```
 */
export async function demo(ctx: CommandContext): Promise<DemoHandle | undefined> {
  const { config, flags, telemetry, shutdown, out } = ctx;
  if (flags.kafka || flags.cassandra) {
    const { fullPipelineDemo } = await import('./fullPipelineDemo.js');
    await fullPipelineDemo(ctx);
    return undefined;
  }
  const m = telemetry.metrics;
  const stats = new DemoStats();
  const store = new BarStore({ maxPerSeries: 2000 });
  const known = new Set(config.symbols);
  const label = (s: unknown) => (typeof s === 'string' && (known.has(s) || known.size === 0 || s.includes(':')) ? s : 'other');
  const onInvalid = (r: InvalidRecord) => {
    stats.invalid++;
    const sym = (r.input as { symbol?: unknown } | null)?.symbol;
    m.invalid.inc(1, { stage: 'demo', symbol: label(sym), field: r.field ?? 'record' });
  };
  const source = await createTradeSource(ctx, 'demo', onInvalid);
  const tty = process.stdout.isTTY === true && !process.env.TICKFLOW_PLAIN;
  let ready: true | string = 'starting';
  const ops = await startOpsServerWithFallback(config, telemetry, () => ready, true);
  const api = mountApi(ops, { api: config.api, reader: storeBarReader(store), feed: store, health: demoHealth(stats), log: telemetry.log });

  out(`tickflow demo — ${source.description}`);
  out(`metrics on ${ops.url}/metrics · bars on ${ops.url}/api/bars · Ctrl-C to stop`);
  for (const line of api.banner) out(line);
  buildWebInBackground(out);

  let dedupedIn = 0;
  let dedupedOut = 0;
  const bars5m = source.trades.pipe(
    tap((t) => {
      stats.received();
      m.ingested.inc(1, { stage: 'demo', symbol: label((t as { symbol?: unknown })?.symbol) });
    }),
    validate(TradeSchema, { onInvalid, maxFutureMs: config.pipeline.maxFutureMs, scheduler: source.scheduler, instrumentation: telemetry.inst }),
    tap(() => dedupedIn++),
    dedupe({ ttlMs: config.demo.maxOutOfOrdernessMs + 3_600_000, instrumentation: telemetry.inst }),
    tap((t) => {
      dedupedOut++;
      stats.duplicates = dedupedIn - dedupedOut;
      stats.trade(t.symbol, t.price, t.ts);
      m.lastEventTime.set(t.ts / 1000, { symbol: label(t.symbol) });
    }),
    watermark({ maxOutOfOrdernessMs: config.demo.maxOutOfOrdernessMs, idleTimeoutMs: 5_000, scheduler: source.scheduler }),
    tap((w) => {
      if (w.kind === 'watermark' && Number.isFinite(w.ts)) stats.watermark = w.ts;
    }),
    ohlcvWindow({
      size: '5m',
      emit: 'update',
      allowedLatenessMs: config.pipeline.allowedLatenessMs,
      instrumentation: telemetry.inst,
      onLate: (t) => {
        stats.late++;
        m.late.inc(1, { stage: 'demo', symbol: label(t.symbol) });
      },
    }),
    share(),
  );
  const finalBar = (b: OhlcvBar) => {
    store.upsert(b, true);
    m.bars.inc(1, { stage: 'demo', interval: b.interval });
    if (!tty) out(formatBar(b));
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const subs: Subscription[] = [];
  subs.push(
    bars5m
      .pipe(
        filter((b) => b.final !== false),
        rollup('1h'),
      )
      .subscribe({ next: finalBar, error: (e: unknown) => telemetry.log('error', 'demo_rollup_failed', { error: e }) }),
  );
  subs.push(
    bars5m.subscribe({
      next: (b) => (b.final === false ? store.upsert(b, false) : finalBar(b)),
      error: (e: unknown) => {
        telemetry.log('error', 'demo_pipeline_failed', { error: e });
        process.exitCode = 1;
        resolveDone();
      },
      complete: () => resolveDone(),
    }),
  );
  ready = true;

  const render = () => {
    if (tty) process.stdout.write(`\x1b[2J\x1b[H${renderSummary(stats, store, source.description)}\n`);
    else out(summaryLine(stats, store));
  };
  const timer = setInterval(render, tty ? 1_000 : 2_000);

  shutdown.add('close ops server', () => {
    api.close();
    return ops.close();
  });
  shutdown.add('stop source', async () => {
    clearInterval(timer);
    for (const s of subs) s.unsubscribe();
    await source.close();
    if (!tty) out(summaryLine(stats, store));
    resolveDone();
  });

  await Promise.race([done, shutdown.requested()]);
  if (!shutdown.stopping) {
    // The input ended (--once or a finite source): final summary, then a normal exit.
    clearInterval(timer);
    render();
    out('input ended; all windows flushed.');
    await source.close();
    api.close();
    await ops.close();
  }
  return { store, stats, done };
}
