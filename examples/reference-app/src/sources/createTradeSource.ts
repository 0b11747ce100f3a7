import { ConfigurationError, type InvalidRecord, type Trade } from '@tickflow/core';
import { finnhubTrades, synthetic } from '@tickflow/sources';
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { CommandContext } from '../cli/CommandContext.js';
import { acceleratedScheduler } from './acceleratedScheduler.js';
import { loopedReplay } from './loopedReplay.js';
import { resolveFixtures } from './resolveFixtures.js';

/** The kinds of trade input the CLI can run on. */
export type TradeSourceKind = 'finnhub' | 'fake-finnhub' | 'replay' | 'synthetic';

/** A ready trade source and how to describe and stop it. */
export interface TradeSource {
  kind: TradeSourceKind;
  trades: Observable<Trade>;
  /** One line for the terminal: what is being shown. */
  description: string;
  /** The clock the operators must use (accelerated for the synthetic demo). */
  scheduler: SchedulerLike;
  /** Releases what the source started (the in-process fake Finnhub server). */
  close: () => Promise<void>;
  /** Symbols subscribed (Finnhub) or known in advance, for metrics labels. */
  symbols: readonly string[];
}

/**
 * Picks and builds the trade source: `--source`, else `demo.source`; `auto` means Finnhub when
 * FINNHUB_API_KEY is set, else the recorded real BTCUSDT trades when the fixtures folder exists,
 * else seeded synthetic trades (on an accelerated clock in the demo, so bars close in seconds).
 *
 * @param ctx - command context (config, flags, telemetry)
 * @param mode - `demo` loops the replay and accelerates synthetic time; `produce` replays once
 * @param onInvalid - receives records the source itself cannot parse
 * @returns the source
 * @throws ConfigurationError when Finnhub is asked for without a key or a replay file is missing
 * @example
 * ```ts
 * const src = await createTradeSource(ctx, 'demo', () => {});
 * src.trades.subscribe(console.log);
 * ```
 */
export async function createTradeSource(ctx: CommandContext, mode: 'demo' | 'produce', onInvalid: (r: InvalidRecord) => void): Promise<TradeSource> {
  const { config, flags, telemetry } = ctx;
  const fixtures = flags.file ?? resolveFixtures(config.demo.fixtures);
  let kind = (flags.source ?? (mode === 'demo' ? config.demo.source : 'auto')) as TradeSourceKind | 'auto';
  if (kind === 'auto') kind = config.finnhub.apiKey ? 'finnhub' : fixtures ? 'replay' : 'synthetic';
  const none = async () => {};

  switch (kind) {
    case 'finnhub': {
      if (!config.finnhub.apiKey) {
        throw new ConfigurationError('the finnhub source needs an API key', { setting: 'FINNHUB_API_KEY', hint: 'export FINNHUB_API_KEY=… (free at finnhub.io), or use --source replay|synthetic' });
      }
      const trades = finnhubTrades({
        token: config.finnhub.apiKey,
        symbols: config.symbols,
        url: config.finnhub.url,
        staleTimeoutMs: config.finnhub.staleTimeoutMs,
        instrumentation: telemetry.inst,
        onInvalid,
      });
      return { kind, trades, description: `live Finnhub trades for ${config.symbols.join(', ')}`, scheduler: asyncScheduler, close: none, symbols: config.symbols };
    }
    case 'fake-finnhub': {
      if (!fixtures) throw new ConfigurationError('--source fake-finnhub replays a recording: pass --file <csv|ndjson>', { setting: 'file' });
      const { createFakeFinnhubServer } = await import('@tickflow/sources/testing');
      const server = await createFakeFinnhubServer({ tokens: ['fake'], port: 0 });
      const symbols = await symbolsOf(fixtures);
      const trades = finnhubTrades({ token: 'fake', symbols, url: server.url, instrumentation: telemetry.inst, onInvalid });
      void server
        .waitForSubscription(symbols, 30_000)
        .then(() => server.replayFile(fixtures))
        .catch((error: unknown) => telemetry.log('error', 'fake_finnhub_failed', { error }));
      return { kind, trades, description: `recorded trades through an in-process fake Finnhub server (${server.url})`, scheduler: asyncScheduler, close: () => server.close(), symbols };
    }
    case 'replay': {
      if (!fixtures) {
        throw new ConfigurationError('no recording to replay: the fixtures folder is missing', { setting: 'TICKFLOW_FIXTURES', hint: 'pass --file <csv|ndjson> or use --source synthetic' });
      }
      const speed = flags.speed ?? (mode === 'demo' ? config.demo.speed : Number.POSITIVE_INFINITY);
      const loops = mode === 'demo' && !flags.once ? Number.POSITIVE_INFINITY : 1;
      const trades = loopedReplay(fixtures, speed, loops);
      const pace = Number.isFinite(speed) ? `${speed}× real time` : 'as fast as possible';
      return {
        kind,
        trades,
        description: `replaying real trades from ${fixtures.split('/').slice(-2).join('/')} at ${pace}${loops > 1 ? ', looped' : ''}`,
        scheduler: asyncScheduler,
        close: none,
        symbols: [],
      };
    }
    case 'synthetic': {
      const speed = flags.speed ?? (mode === 'demo' ? config.demo.speed : 1);
      const scheduler = speed === 1 ? asyncScheduler : acceleratedScheduler(speed);
      const rate = flags.rate ?? config.demo.ratePerSecond;
      const trades = synthetic({
        symbols: config.symbols,
        ratePerSecond: rate,
        ...(flags.count !== undefined ? { count: flags.count } : {}),
        seed: 7,
        duplicateRate: 0.01,
        invalidRate: 0.005,
        lateRate: 0.002,
        lateByMs: 20 * 60_000,
        scheduler,
      });
      return {
        kind,
        trades,
        description: `synthetic trades for ${config.symbols.length} symbols, ${rate}/s of simulated time${speed !== 1 ? `, clock ${speed}× faster than real time` : ''}`,
        scheduler,
        close: none,
        symbols: config.symbols,
      };
    }
    default:
      throw new ConfigurationError(`unknown source "${String(kind)}"`, { setting: 'source' });
  }
}

async function symbolsOf(file: string): Promise<string[]> {
  const { replay } = await import('@tickflow/sources');
  const { firstValueFrom, take, toArray } = await import('rxjs');
  const first = await firstValueFrom(replay({ path: file }).pipe(take(1000), toArray()));
  return [...new Set(first.map((t) => t.symbol))];
}
