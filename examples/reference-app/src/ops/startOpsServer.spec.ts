import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpsServer, startOpsServer } from './startOpsServer.js';

let ops: OpsServer | undefined;
afterEach(async () => {
  await ops?.close();
  ops = undefined;
});

describe('startOpsServer', () => {
  it('serves /metrics, /healthz and /readyz on a free port', async () => {
    const registry = new Registry();
    new Counter({ name: 'tickflow_trades_ingested_total', help: 'x', registers: [registry] }).inc(3);
    let ready: true | string = 'connecting to Kafka';
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry, ready: () => ready });
    expect(ops.port).toBeGreaterThan(0);
    const metrics = await fetch(`${ops.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('tickflow_trades_ingested_total 3');
    expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${ops.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('connecting to Kafka');
    ready = true;
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${ops.url}/nope`)).status).toBe(404);
  });

  it('lets later pages add routes', async () => {
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    ops.route('/api/bars', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    expect(await (await fetch(`${ops.url}/api/bars`)).json()).toEqual([]);
  });
});
