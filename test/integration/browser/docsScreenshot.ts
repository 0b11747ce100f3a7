/**
 * Makes the docs screenshot (docs/images/dashboard.png): the dashboard in Debian's chromium over
 * seeded calm series with injected spikes (AAPL: a jump on a volume burst, a lone volume burst,
 * a drop), the newest bar of every symbol arriving live. Not a test; run it by hand:
 *
 *   npm run build -w @tickflow/reference-app && npx tsx test/integration/browser/docsScreenshot.ts [out.png]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Registry } from 'prom-client';
import { ApiConfigSchema } from '../../../examples/reference-app/src/api/ApiConfigSchema.js';
import { calmBars } from '../../../examples/reference-app/src/api/calmBars.js';
import { mountApi } from '../../../examples/reference-app/src/api/mountApi.js';
import { storeBarReader } from '../../../examples/reference-app/src/api/storeBarReader.js';
import { BarStore } from '../../../examples/reference-app/src/demo/BarStore.js';
import { startOpsServer } from '../../../examples/reference-app/src/ops/startOpsServer.js';

const store = new BarStore({ maxPerSeries: 5000 });
const t0 = Date.UTC(2026, 10, 20, 14, 30);
const n = 200;
const series = {
  AAPL: calmBars({ symbol: 'AAPL', n, start: t0, seed: 31, spikes: [{ at: 128, price: 1.018, volume: 12 }, { at: 171, volume: 15 }, { at: 186, price: 0.985 }] }),
  MSFT: calmBars({ symbol: 'MSFT', n, start: t0, seed: 32 }),
  TSLA: calmBars({ symbol: 'TSLA', n, start: t0, seed: 33 }),
  'BINANCE:BTCUSDT': calmBars({ symbol: 'BINANCE:BTCUSDT', n, start: t0, seed: 34 }),
};
for (const list of Object.values(series)) for (const b of list.slice(0, -1)) store.upsert(b, true);
const ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
const health = { trades: 41_273, tradesPerSecond: 611.8, invalid: 3, late: 1, duplicates: 212, deadLettered: 3, lagMs: 4200 };
const api = mountApi(ops, { api: ApiConfigSchema.parse({}), reader: storeBarReader(store), feed: store, health: () => health });
const profile = mkdtempSync(join(tmpdir(), 'tickflow-shot-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1280, height: 720 },
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
await page.goto(`${ops.url}/?symbol=AAPL&interval=5m`);
await page.waitForFunction('window.__tickflowChart?.ready && window.__tickflowChart.bars().length > 100');
await new Promise((r) => setTimeout(r, 500));
// the last bar of every symbol arrives live (fresh "last update"); AAPL's newest one is provisional first
for (const list of Object.values(series)) {
  const last = list.at(-1)!;
  store.upsert({ ...last, volume: Math.round(last.volume / 3) }, false);
  store.upsert(last, true);
}
const last = series.AAPL.at(-1)!;
store.upsert({ ...last, start: last.end, end: last.end + 300_000, open: last.close, high: last.close * 1.0004, low: last.close * 0.9997, close: last.close * 1.0002, volume: 310 }, false);
await page.waitForSelector('#symbols tbody tr');
await new Promise((r) => setTimeout(r, 2500));
await page.mouse.move(1200, 650);
const out = process.argv[2] ?? fileURLToPath(new URL('../../../docs/images/dashboard.png', import.meta.url));
await page.screenshot({ path: out });
const markers = (await page.evaluate('window.__tickflowChart.markers().length')) as number;
await ctx.close();
rmSync(profile, { recursive: true, force: true });
api.close();
await ops.close();
if (markers !== 4) throw new Error(`expected 4 anomaly markers in the picture, got ${markers}`);
console.log(`${out}: ${markers} anomaly markers`);
