import type { Bar } from '@tickflow/core';
import type { BarStore } from './BarStore.js';
import type { DemoStats } from './DemoStats.js';

const n = (x: number) => x.toLocaleString('en-US');
const time = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : '—');
const px = (x: number) => (x >= 1000 ? x.toFixed(2) : x >= 1 ? x.toFixed(2) : x.toPrecision(4));

/**
 * One bar as a line: `bar 5m  BINANCE:BTCUSDT 2020-02-22 00:00–00:05  O … H … L … C …  V …  n …`.
 * @param bar - the bar
 * @returns the line
 * @example
 * ```ts
 * formatBar({ symbol: 'AAPL', interval: '5m', start: 0, end: 300_000, open: 1, high: 2, low: 1, close: 2, volume: 3, count: 2, vwap: 1.5 });
 * ```
 */
export function formatBar(bar: Bar): string {
  const start = new Date(bar.start).toISOString();
  const end = new Date(bar.end).toISOString();
  return `bar ${bar.interval.padEnd(3)} ${bar.symbol.padEnd(16)} ${start.slice(0, 10)} ${start.slice(11, 16)}–${end.slice(11, 16)}  O ${px(bar.open)} H ${px(bar.high)} L ${px(bar.low)} C ${px(bar.close)}  V ${+bar.volume.toFixed(4)}  n ${bar.count}`;
}

/**
 * The one-line summary printed when the output is not a terminal.
 * @param stats - counts
 * @param store - bars
 * @returns the line
 */
export function summaryLine(stats: DemoStats, store: BarStore): string {
  const f = store.finalCounts();
  return `[demo] event time ${time(stats.eventTime)} | symbols ${stats.perSymbol.size} | trades ${n(stats.trades)} (${n(Math.round(stats.rate()))}/s) | bars 5m ${n(f['5m'] ?? 0)} · 1h ${n(f['1h'] ?? 0)} | late ${n(stats.late)} | invalid ${n(stats.invalid)} | duplicates ${n(stats.duplicates)}`;
}

/**
 * The live terminal screen: totals, then one row per symbol with its newest 5m and 1h bars.
 * @param stats - counts
 * @param store - bars
 * @param header - what is being shown (source, pace)
 * @returns the screen text
 */
export function renderSummary(stats: DemoStats, store: BarStore, header: string): string {
  const f = store.finalCounts();
  const lines = [
    `tickflow demo — ${header}`,
    `event time ${time(stats.eventTime)}   watermark ${time(stats.watermark)}`,
    '',
    `symbols ${stats.perSymbol.size}   trades ${n(stats.trades)}   ${n(Math.round(stats.rate()))} trades/s   bars 5m ${n(f['5m'] ?? 0)}  1h ${n(f['1h'] ?? 0)}   late ${n(stats.late)}   invalid ${n(stats.invalid)}   duplicates ${n(stats.duplicates)}`,
    '',
    `${'symbol'.padEnd(18)}${'trades'.padStart(9)}${'last'.padStart(12)}   ${'5m bar (o h l c v)'.padEnd(46)}1h bar (o h l c v)`,
  ];
  const cell = (b: Bar | undefined, open: boolean) =>
    b ? `${open ? '*' : ' '}${px(b.open)} ${px(b.high)} ${px(b.low)} ${px(b.close)} ${+b.volume.toFixed(2)}`.padEnd(46) : '—'.padEnd(46);
  for (const [symbol, s] of [...stats.perSymbol.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, 30)) {
    const b5 = store.latest(symbol, '5m');
    const b1 = store.latest(symbol, '1h');
    lines.push(`${symbol.padEnd(18)}${n(s.trades).padStart(9)}${px(s.last).padStart(12)}   ${cell(b5, b5?.final === false)}${cell(b1, b1?.final === false).trimEnd()}`);
  }
  lines.push('', '* = window still open (provisional).  Ctrl-C to stop.');
  return lines.join('\n');
}
