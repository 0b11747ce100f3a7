// The tickflow dashboard: candles + volume from /api/bars, live updates from /api/stream (SSE),
// and the pipeline health panel from /api/health. Plain DOM, no framework.
import {
  CandlestickSeries,
  type CandlestickData,
  createChart,
  HistogramSeries,
  type HistogramData,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';

interface Bar {
  symbol: string;
  interval: string;
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
  vwap: number;
  final?: boolean;
}
interface BarEvent {
  bar: Bar;
  revision: number;
  restatement: boolean;
  final: boolean;
}
interface Health {
  now: number;
  staleAfterMs: number;
  pipeline: null | { trades: number; tradesPerSecond: number; invalid: number; late: number; duplicates: number; deadLettered: number; lagMs: number | null };
  symbols: { symbol: string; lastUpdate: number | null; lastBarStart: number | null; ageMs: number | null; stale: boolean }[];
}

/** What the browser test (and a curious developer in the console) can ask the page. */
interface ChartProbe {
  symbol: string;
  interval: string;
  /** True once the first bars of the current selection are drawn. */
  ready: boolean;
  /** Live bar events applied for the current selection (new bars + updates). */
  liveUpdates: number;
  /** Restatements received (a window drawn before, redrawn with newer data). */
  restatements: number;
  /** The candles the chart holds, as lightweight-charts reports them. */
  bars(): { time: number; open: number; high: number; low: number; close: number }[];
  /** The volume bars the chart holds. */
  volumes(): { time: number; value: number }[];
  /** Selects a symbol and/or interval as the controls do; resolves when its bars are drawn. */
  select(symbol?: string, interval?: string): Promise<void>;
}
declare global {
  interface Window {
    __tickflowChart: ChartProbe;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const symbolSelect = $<HTMLSelectElement>('symbol');
const statusEl = $('status');
const legend = $('legend');
const UP = '#26a69a';
const DOWN = '#ef5350';

// ---- auth: a token from #token=… (kept for this tab), or none (loopback demo)
const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
if (hashToken) {
  sessionStorage.setItem('tickflowToken', hashToken);
  history.replaceState(null, '', location.pathname + location.search);
}
let token = sessionStorage.getItem('tickflowToken') ?? '';
let onLogin: (() => void) | undefined;

class AuthNeeded extends Error {}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status === 401) throw new AuthNeeded(((await res.json()) as { error: string }).error);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  return (await res.json()) as T;
}

function askToken(message: string): Promise<void> {
  const form = $<HTMLFormElement>('login');
  form.hidden = false;
  $('login-error').textContent = message;
  return new Promise((resolve) => {
    onLogin = resolve;
  });
}
$<HTMLFormElement>('login').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $<HTMLInputElement>('token').value.trim();
  sessionStorage.setItem('tickflowToken', token);
  $<HTMLFormElement>('login').hidden = true;
  onLogin?.();
});

async function withAuth<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AuthNeeded)) throw e;
      await askToken(e.message);
    }
  }
}

// ---- chart
const chart = createChart($('chart'), {
  autoSize: true,
  layout: { background: { color: '#0f1420' }, textColor: '#8391a7' },
  grid: { vertLines: { color: '#1b2333' }, horzLines: { color: '#1b2333' } },
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2c3750' },
  rightPriceScale: { borderColor: '#2c3750' },
  crosshair: { mode: 0 },
});
const candles: ISeriesApi<'Candlestick'> = chart.addSeries(CandlestickSeries, {
  upColor: UP,
  downColor: DOWN,
  borderVisible: false,
  wickUpColor: UP,
  wickDownColor: DOWN,
});
candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.28 } });
const volume: ISeriesApi<'Histogram'> = chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.78, bottom: 0 } });

const t = (b: Bar) => (b.start / 1000) as UTCTimestamp;
const candle = (b: Bar): CandlestickData => ({ time: t(b), open: b.open, high: b.high, low: b.low, close: b.close });
const vol = (b: Bar): HistogramData => ({ time: t(b), value: b.volume, color: b.close >= b.open ? `${UP}80` : `${DOWN}80` });

const fmt = (n: number) => (Math.abs(n) >= 1000 ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : n.toPrecision(6).replace(/\.?0+$/, ''));
function showLegend(b: Bar | undefined) {
  legend.innerHTML = b
    ? `<b>${sel.symbol}</b> ${sel.interval} · ${new Date(b.start).toISOString().slice(0, 16).replace('T', ' ')} UTC · O <b>${fmt(b.open)}</b> H <b>${fmt(b.high)}</b> L <b>${fmt(b.low)}</b> C <b>${fmt(b.close)}</b> · V <b>${fmt(b.volume)}</b>${b.final === false ? ' · <i>open</i>' : ''}`
    : `<b>${sel.symbol}</b> ${sel.interval} · no bars yet`;
}

// ---- selection, history and live stream
const sel = { symbol: '', interval: '5m' };
const probe: ChartProbe = {
  symbol: '',
  interval: '5m',
  ready: false,
  liveUpdates: 0,
  restatements: 0,
  bars: () => candles.data().map((d) => ({ ...(d as CandlestickData), time: Number(d.time) })),
  volumes: () => volume.data().map((d) => ({ time: Number(d.time), value: (d as HistogramData).value })),
  select: (symbol, interval) => load(symbol ?? sel.symbol, interval ?? sel.interval),
};
window.__tickflowChart = probe;

let source: EventSource | undefined;
let generation = 0;
let lastBar: Bar | undefined;

function apply(e: BarEvent) {
  const last = candles.data().at(-1);
  const historical = last !== undefined && t(e.bar) < Number(last.time);
  candles.update(candle(e.bar), historical);
  volume.update(vol(e.bar), historical);
  probe.liveUpdates++;
  if (e.restatement && e.final) probe.restatements++;
  if (!historical) {
    lastBar = e.bar;
    showLegend(lastBar);
  }
}

async function load(symbol: string, interval: string): Promise<void> {
  const gen = ++generation;
  sel.symbol = symbol;
  sel.interval = interval;
  probe.ready = false;
  symbolSelect.value = symbol;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-interval]')) b.classList.toggle('active', b.dataset.interval === interval);
  source?.close();
  // Open the stream first and hold its events until the history is drawn, so nothing falls in between.
  const held: BarEvent[] = [];
  let drawn = false;
  const qs = new URLSearchParams({ symbol, interval });
  if (token) qs.set('access_token', token);
  source = new EventSource(`/api/stream?${qs}`);
  source.addEventListener('bar', (m) => {
    if (gen !== generation) return;
    const e = JSON.parse((m as MessageEvent<string>).data) as BarEvent;
    if (drawn) apply(e);
    else held.push(e);
  });
  source.onopen = () => {
    statusEl.textContent = 'live';
    statusEl.className = 'status live';
  };
  source.onerror = () => {
    statusEl.textContent = 'reconnecting…';
    statusEl.className = 'status down';
  };
  const { bars } = await withAuth(() => api<{ bars: Bar[] }>(`/api/bars?symbol=${encodeURIComponent(symbol)}&interval=${interval}&limit=1500`));
  if (gen !== generation) return;
  candles.setData(bars.map(candle));
  volume.setData(bars.map(vol));
  chart.timeScale().fitContent();
  lastBar = bars.at(-1);
  showLegend(lastBar);
  probe.symbol = symbol;
  probe.interval = interval;
  probe.liveUpdates = 0;
  probe.restatements = 0;
  drawn = true;
  for (const e of held) if (e.bar.start >= (bars[0]?.start ?? 0)) apply(e);
  probe.ready = true;
  const url = new URL(location.href);
  url.searchParams.set('symbol', symbol);
  url.searchParams.set('interval', interval);
  history.replaceState(null, '', url);
}

symbolSelect.addEventListener('change', () => void load(symbolSelect.value, sel.interval));
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-interval]')) {
  b.addEventListener('click', () => void load(sel.symbol, b.dataset.interval ?? '5m'));
}

// ---- health panel
const ago = (ms: number | null) => (ms === null ? '—' : ms < 1500 ? 'just now' : ms < 90_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`);
const dur = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

async function refreshHealth() {
  try {
    const h = await api<Health>('/api/health');
    const listed = new Set([...symbolSelect.options].map((o) => o.value));
    for (const s of h.symbols) {
      if (!listed.has(s.symbol) && s.lastUpdate !== null) symbolSelect.add(new Option(s.symbol, s.symbol));
    }
    const p = h.pipeline;
    const rows: [string, string, boolean?][] = p
      ? [
          ['trades/s', p.tradesPerSecond.toFixed(1)],
          ['trades', p.trades.toLocaleString('en-US')],
          ['invalid', String(p.invalid), p.invalid > 0],
          ['late', String(p.late), p.late > 0],
          ['duplicates', String(p.duplicates)],
          ['DLQ', String(p.deadLettered), p.deadLettered > 0],
          ['lag', dur(p.lagMs)],
        ]
      : [['pipeline', 'no counters in this mode']];
    $('counters').innerHTML = rows.map(([k, v, warn]) => `<dt>${k}</dt><dd${warn ? ' class="warn"' : ''}>${v}</dd>`).join('');
    $('symbols').querySelector('tbody')!.innerHTML = h.symbols
      .map(
        (s) =>
          `<tr class="${s.stale ? 'stale' : ''}${s.symbol === sel.symbol ? ' current' : ''}" data-symbol="${s.symbol}"><td>${s.symbol}</td><td>${ago(s.ageMs)}</td><td>${
            s.lastBarStart === null ? '—' : new Date(s.lastBarStart).toISOString().slice(11, 16)
          }</td></tr>`,
      )
      .join('');
  } catch {
    // the stream's status shows connection problems; the panel keeps its last values
  }
}

// ---- start
async function start() {
  const { symbols } = await withAuth(() => api<{ symbols: string[] }>('/api/symbols'));
  symbolSelect.innerHTML = symbols.map((s) => `<option value="${s}">${s}</option>`).join('');
  const params = new URLSearchParams(location.search);
  const wanted = params.get('symbol');
  const first = wanted && symbols.includes(wanted) ? wanted : (symbols[0] ?? '');
  const interval = params.get('interval') === '1h' ? '1h' : '5m';
  if (!first) {
    statusEl.textContent = 'waiting for the first bars…';
    setTimeout(start, 1000);
    return;
  }
  await load(first, interval);
  void refreshHealth();
  setInterval(refreshHealth, 2000);
}
void start();
