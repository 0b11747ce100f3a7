import type { Registry } from 'prom-client';
import type { ApiConfig } from '../api/ApiConfigSchema.js';
import { BarHub } from '../api/BarHub.js';
import type { BarReader } from '../api/BarReader.js';
import { type MountedApi, mountApi } from '../api/mountApi.js';
import type { OpsServer } from '../ops/startOpsServer.js';
import { type ProcessHealthMonitor, processHealth } from './processHealth.js';
import type { ProcessorEvent } from './processorPipeline.js';

/** Options of {@link mountProcessApi}. */
export interface MountProcessApiOptions {
  /** The `api` config section (auth, rate limits): the same as the demo's. */
  api: ApiConfig;
  /** Where `/api/bars`, `/api/symbols` and the anomaly warm-up read (Cassandra's Gold tables). */
  reader: BarReader;
  /** The processor's prom-client registry (the health panel reads its counters). */
  registry: Registry;
  /** The processor's current watermark (ms). */
  watermark: () => number;
  /** Pipeline settings: how long after a window's end its bar is written decides when a symbol is stale. */
  pipeline: { maxOutOfOrdernessMs: number; allowedLatenessMs: number; idleTimeoutMs: number };
  /** Build folder of the page (default: the reference app's dist/web). */
  webRoot?: string;
  /** Logger (no secrets: tokens are never passed to it). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;
  /** Health sampling period, ms (default 1000). */
  sampleEveryMs?: number;
}

/** What {@link mountProcessApi} returns. */
export interface ProcessApi {
  /** The mounted API (auth mode, stream, banner). */
  readonly api: MountedApi;
  /** The live feed behind `/api/stream`. */
  readonly hub: BarHub;
  /** The health panel's counters. */
  readonly health: ProcessHealthMonitor;
  /**
   * Feed one event of the processor's pipeline: a Gold bar (`kind: 'bar'`, emitted once Cassandra
   * acknowledged its write) goes to the live stream as a final bar; other events are ignored.
   * @param event - an event of `processorPipeline`
   */
  onWrite(event: ProcessorEvent): void;
  /** Ends the streams and stops sampling. */
  close(): void;
}

/**
 * The dashboard of `tickflow process`: the query API over Cassandra's Gold tables plus the page at
 * `/`, a live `/api/stream` of the Gold bars this processor writes (5m and 1h, each sent after
 * Cassandra acknowledged it; a window sent again — e.g. rewritten after a rebalance — is marked as
 * a restatement), anomaly events for those bars, and `/api/health` from the processor's own
 * metrics ({@link processHealth}). A symbol is stale when no bar of it was written for one 5m window
 * plus the watermark's delay (out-of-orderness, lateness, idle timeout) plus a minute. A bar query
 * without `from`/`to` (the page's first load) reads the newest bars up to the newest one written
 * since start when that is in the past (a replay of an older day), else up to now. `/api/symbols`
 * lists the reader's symbols plus every symbol the processor has written a bar for.
 *
 * @param ops - the processor's ops server (the page and API share its port)
 * @param options - API config, reader, registry, watermark, pipeline settings
 * @returns the mounted API; feed it the pipeline's events with `onWrite`
 * @example
 * ```ts
 * const page = mountProcessApi(ops, { api: config.api, reader, registry: telemetry.registry, watermark: () => tracker.watermark, pipeline: config.pipeline });
 * processorPipeline(options).subscribe((event) => page.onWrite(event));
 * ```
 */
export function mountProcessApi(ops: OpsServer, options: MountProcessApiOptions): ProcessApi {
  const log = options.log ?? (() => {});
  const hub = new BarHub({ onError: (error) => log('warn', 'bar_stream_listener_failed', { error: String(error) }) });
  const health = processHealth({ registry: options.registry, watermark: options.watermark, ...(options.sampleEveryMs !== undefined ? { sampleEveryMs: options.sampleEveryMs } : {}) });
  // Without `to`, a query reads the bars before the newest one this processor wrote, not before
  // the wall clock: a replay of an older day shows its bars too.
  const newestEnd = new Map<string, number>();
  const written = new Set<string>();
  hub.subscribe((bar) => {
    written.add(bar.symbol);
    const k = `${bar.symbol}|${bar.interval}`;
    if (!(bar.end <= (newestEnd.get(k) ?? Number.NEGATIVE_INFINITY))) newestEnd.set(k, bar.end);
  });
  const reader: BarReader = {
    bars: (q) => {
      const end = q.to === undefined && q.from === undefined ? newestEnd.get(`${q.symbol}|${q.interval}`) : undefined;
      return options.reader.bars(end === undefined || end > Date.now() ? q : { ...q, to: end });
    },
    // the configured symbols plus any other this processor has written bars for
    symbols: async () => [...new Set([...(await options.reader.symbols()), ...written])].sort(),
  };
  const p = options.pipeline;
  const staleAfterMs = 300_000 + p.maxOutOfOrdernessMs + p.allowedLatenessMs + p.idleTimeoutMs + 60_000;
  const api = mountApi(ops, {
    api: options.api,
    reader,
    feed: hub,
    health: health.health,
    staleAfterMs,
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
    log,
  });
  return {
    api,
    hub,
    health,
    onWrite: (event) => {
      if (event.kind === 'bar') hub.publish({ ...event.bar, final: true });
    },
    close: () => {
      api.close();
      health.close();
    },
  };
}
