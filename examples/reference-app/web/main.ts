// The tickflow dashboard: candles + volume from /api/bars, anomaly markers from /api/anomalies,
// live updates (bars and anomalies) from /api/stream (SSE), and the pipeline health panel from
// /api/health. Plain DOM, no framework.
import {
  CandlestickSeries,
  type CandlestickData,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type HistogramData,
  type ISeriesApi,
  type SeriesMarker,
  type Time,
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
/** An unusual bar (GET /api/anomalies, SSE `event: anomaly`): the SDK's anomaly operator run over the bars. */
interface Anomaly {
  symbol: string;
  interval: string;
  kind: 'return' | 'volume';
  score: number;
  value: number;
  mean: number;
  stdev: number;
  window: number;
  ts: number;
  bar: Bar;
}
interface Health {
  now: number;
  staleAfterMs: number;
  pipeline: null | { trades: number; tradesPerSecond: number; invalid: number; late: number; duplicates: number; deadLettered: number; lagMs: number | null; consumerLag?: number | null };
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
  /** The anomaly markers on the candles, as the lightweight-charts markers plugin holds them. */
  markers(): { time: number; position: string; shape: string; text: string; id: string }[];
  /** Anomalies of the current selection (from /api/anomalies, then live), oldest first. */
  anomalies(): { time: number; kind: string; score: number }[];
  /** Live anomaly events applied for the current selection. */
  liveAnomalies: number;
  /** The x coordinate (CSS px from the chart's left edge) of a bar's time in seconds, or null when off screen. */
  x(time: number): number | null;
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
  // room right of the newest candle for its anomaly marker's text
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2c3750', rightOffsetPixels: 56 },
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

// ---- anomaly markers: one per (bar, kind); a restated bar's anomaly replaces the earlier one
const RETURN_COLOR = '#ffb74d';
const VOLUME_COLOR = '#b388ff';
const markers = createSeriesMarkers<Time>(candles, []);
const anomalies = new Map<string, Anomaly>();
const anomalyKey = (a: Anomaly) => `${a.ts}|${a.kind}`;
const z = (a: Anomaly) => `${a.score >= 0 ? '+' : '−'}${Math.abs(a.score).toFixed(1)}σ`;
const describeAnomaly = (a: Anomaly) =>
  a.kind === 'return'
    ? `return z=${z(a)} (${(a.value * 100).toFixed(2)} % vs ${(a.stdev * 100).toFixed(2)} % typical, ${a.window} bars)`
    : `volume z=${z(a)} (${fmt(a.bar.volume)} vs ~${fmt(Math.exp(a.mean))} typical, ${a.window} bars)`;
const marker = (a: Anomaly): SeriesMarker<Time> =>
  a.kind === 'return'
    ? { id: anomalyKey(a), time: (a.ts / 1000) as UTCTimestamp, position: a.score >= 0 ? 'aboveBar' : 'belowBar', shape: a.score >= 0 ? 'arrowDown' : 'arrowUp', color: RETURN_COLOR, text: `ret ${z(a)}` }
    : { id: anomalyKey(a), time: (a.ts / 1000) as UTCTimestamp, position: 'belowBar', shape: 'circle', color: VOLUME_COLOR, text: `vol ${z(a)}` };
const listEl = $('anomalies');
/** How the server scores (from /api/anomalies). */
const scoring = { threshold: 5, window: 100 };

function drawAnomalies() {
  const list = [...anomalies.values()].sort((a, b) => a.ts - b.ts || a.kind.localeCompare(b.kind));
  markers.setMarkers(list.map(marker));
  $('anomaly-count').textContent = list.length ? `(${list.length})` : '';
  listEl.innerHTML = list.length
    ? list
        .slice(-20)
        .reverse()
        .map(
          (a) =>
            `<li class="${a.kind}" data-ts="${a.ts}" data-kind="${a.kind}" title="${describeAnomaly(a)}"><time>${new Date(a.ts).toISOString().slice(5, 16).replace('T', ' ')}</time> <b>${a.kind}</b> <span>${z(a)}</span></li>`,
        )
        .join('')
    : `<li class="none">none among these bars (|z| ≥ ${scoring.threshold} against the previous ${scoring.window})</li>`;
}
function addAnomaly(a: Anomaly) {
  anomalies.set(anomalyKey(a), a);
  drawAnomalies();
}
listEl.addEventListener('click', (e) => {
  const li = (e.target as HTMLElement).closest<HTMLElement>('li[data-ts]');
  if (!li) return;
  const at = Number(li.dataset.ts) / 1000;
  const span = sel.interval === '1h' ? 3600 * 24 : 300 * 24;
  chart.timeScale().setVisibleRange({ from: (at - span) as UTCTimestamp, to: (at + span) as UTCTimestamp });
});
// Tooltip: hovering a candle with anomalies shows what was unusual about it.
const tip = $('anomaly-tip');
chart.subscribeCrosshairMove((param) => {
  const at = typeof param.time === 'number' ? param.time * 1000 : undefined;
  const here = at === undefined ? [] : [...anomalies.values()].filter((a) => a.ts === at);
  if (here.length === 0 || !param.point) {
    tip.hidden = true;
    return;
  }
  tip.innerHTML = here.map((a) => `<div class="${a.kind}">${describeAnomaly(a)}</div>`).join('');
  tip.style.left = `${Math.round(param.point.x + 14)}px`;
  tip.style.top = `${Math.round(param.point.y + 14)}px`;
  tip.hidden = false;
});

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
  markers: () => markers.markers().map((m) => ({ time: Number(m.time), position: m.position, shape: m.shape, text: m.text ?? '', id: m.id ?? '' })),
  anomalies: () => [...anomalies.values()].sort((a, b) => a.ts - b.ts).map((a) => ({ time: a.ts / 1000, kind: a.kind, score: a.score })),
  liveAnomalies: 0,
  x: (time) => chart.timeScale().timeToCoordinate(time as UTCTimestamp),
  select: (symbol, interval) => load(symbol ?? sel.symbol, interval ?? sel.interval),
};
window.__tickflowChart = probe;

let source: EventSource | undefined;
let generation = 0;
let lastBar: Bar | undefined;

/** Index of the data point at `time` in a series' data (sorted by time), or -1. */
function indexOf(data: readonly { time: unknown }[], time: number): number {
  let lo = 0;
  let hi = data.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = Number(data[mid]?.time);
    if (at === time) return mid;
    if (at < time) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function apply(e: BarEvent) {
  const data = candles.data();
  const last = data.at(-1);
  const historical = last !== undefined && t(e.bar) < Number(last.time);
  if (historical && indexOf(data, t(e.bar)) < 0) {
    // A bar for an older window not drawn yet (e.g. a late trade opened a window that had none):
    // update() can only replace older points, so insert it and redraw.
    const at = (d: readonly { time: unknown }[]) => d.findIndex((p) => Number(p.time) > t(e.bar));
    const cs = [...data] as CandlestickData[];
    cs.splice(at(cs), 0, candle(e.bar));
    const vs = [...volume.data()] as HistogramData[];
    const vi = at(vs);
    vs.splice(vi < 0 ? vs.length : vi, 0, vol(e.bar));
    candles.setData(cs);
    volume.setData(vs);
  } else {
    candles.update(candle(e.bar), historical);
    volume.update(vol(e.bar), historical);
  }
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
  const heldAnomalies: Anomaly[] = [];
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
  source.addEventListener('anomaly', (m) => {
    if (gen !== generation) return;
    const a = JSON.parse((m as MessageEvent<string>).data) as Anomaly;
    if (drawn) {
      addAnomaly(a);
      probe.liveAnomalies++;
    } else heldAnomalies.push(a);
  });
  source.onopen = () => {
    statusEl.textContent = 'live';
    statusEl.className = 'status live';
  };
  source.onerror = () => {
    statusEl.textContent = 'reconnecting…';
    statusEl.className = 'status down';
  };
  const query = `symbol=${encodeURIComponent(symbol)}&interval=${interval}&limit=1500`;
  const [{ bars }, found] = await Promise.all([
    withAuth(() => api<{ bars: Bar[] }>(`/api/bars?${query}`)),
    // the same query: the anomalies among the bars drawn (scored after a warm-up read before them)
    withAuth(() => api<{ anomalies: Anomaly[]; threshold: number; window: number }>(`/api/anomalies?${query}`)).catch((e: unknown) => {
      console.warn('tickflow: no anomaly markers:', e); // the candles still draw
      return { anomalies: [] as Anomaly[], ...scoring };
    }),
  ]);
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
  probe.liveAnomalies = 0;
  anomalies.clear();
  scoring.threshold = found.threshold;
  scoring.window = found.window;
  for (const a of found.anomalies) anomalies.set(anomalyKey(a), a);
  drawn = true;
  for (const e of held) if (e.bar.start >= (bars[0]?.start ?? 0)) apply(e);
  for (const a of heldAnomalies) anomalies.set(anomalyKey(a), a);
  drawAnomalies();
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
          // tickflow process: Kafka consumer lag (messages not read yet)
          ...(p.consumerLag !== undefined ? [['consumer lag', p.consumerLag === null ? '—' : p.consumerLag.toLocaleString('en-US'), (p.consumerLag ?? 0) > 10_000] as [string, string, boolean]] : []),
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
