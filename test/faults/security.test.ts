/**
 * Security, end to end against the running app:
 * - the Finnhub token, the Cassandra password and the API token never appear in the app's
 *   stdout/stderr (debug logs, including a rejected-token reconnect loop) or its /metrics;
 * - the query API served by `tickflow process` refuses requests without a valid token.
 * Kafka SASL/PLAIN against a separately started secured broker is in ./kafkaSasl.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { createFakeFinnhubServer, type FakeFinnhubServer } from '@tickflow/sources/testing';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appEnv } from '../support/appEnv.js';
import { freePort } from '../support/freePort.js';
import { sleep } from '../support/sleep.js';
import { stopTickflow } from '../support/tickflowProcess.js';
import { until } from '../support/until.js';
import { OUTPUT_TAIL, runToEnd, tickflow } from './driver.js';

const services = inject('services');
const run = `sec${Date.now().toString(36)}`;
const secret = (name: string) => `${name}-${randomBytes(9).toString('hex')}`;
const FINNHUB_TOKEN = secret('finnhubtok');
const CASSANDRA_PASSWORD = secret('cassapw');
const API_TOKEN = secret('apitok');
const SECRETS = [FINNHUB_TOKEN, CASSANDRA_PASSWORD, API_TOKEN];

/** Every place a secret could leak to: the text, plus its URL-encoded and base64 forms. */
function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)) || text.includes(Buffer.from(s).toString('base64')));
}

describe.skipIf(!services.kafka || !services.cassandra || !services['schema-registry'])('security: secrets never leak, the API needs a token', () => {
  let server: FakeFinnhubServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await createFakeFinnhubServer({ tokens: [FINNHUB_TOKEN] });
    env = {
      ...appEnv(services, run),
      CASSANDRA_USERNAME: 'tickflow',
      CASSANDRA_PASSWORD,
      TICKFLOW_SYMBOLS: 'SECA,SECB',
      TICKFLOW_LOG_LEVEL: 'debug',
      TICKFLOW_API_TOKEN: API_TOKEN,
      FINNHUB_API_KEY: FINNHUB_TOKEN,
      FINNHUB_URL: server.url,
    };
    await runToEnd(['topics', 'create'], env);
    await runToEnd(['schemas', 'register'], env);
    await runToEnd(['cassandra', 'init'], env);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    const client = new cassandra.Client({ contactPoints: services.cassandra!.split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1' });
    await client.execute(`DROP KEYSPACE IF EXISTS ${run}`).catch(() => {});
    await client.shutdown();
  });

  it('`tickflow config` shows secrets redacted', async () => {
    const out = await runToEnd(['config'], env);
    expect(out.length).toBeGreaterThan(100);
    expect(leaks(out)).toEqual([]);
    expect(out).toMatch(/redacted/i);
  }, 120_000);

  it('produce and process at debug level: no secret in stdout/stderr or /metrics; the API refuses missing and wrong tokens', async () => {
    const producer = tickflow(['produce', '--source', 'finnhub'], env, await freePort());
    const processor = tickflow(['process', '--from-beginning'], env, await freePort());
    try {
      await server.waitForSubscription(['SECA', 'SECB'], 90_000);
      const t0 = Date.UTC(2020, 1, 24, 15);
      await server.publish(
        Array.from({ length: 200 }, (_, i) => ({ s: i % 2 ? 'SECA' : 'SECB', p: 100 + (i % 7), t: t0 + i * 20_000, v: 1 + (i % 3) })),
        { frameSize: 20 },
      );
      await server.publish([{ s: 'SECA', p: -1, t: t0, v: 1 }]); // a dead letter is logged too
      await until('the processor to read the trades', async () => {
        const text = await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text();
        return /tickflow_trades_ingested_total\{[^}]*stage="process"[^}]*\} ([1-9]\d{2})/.test(text);
      }, 120_000, { output: processor.output, outputTail: OUTPUT_TAIL });
      // a dropped socket: the reconnect logs the endpoint (the token is in the URL's query)
      server.dropAll();
      await server.waitForSubscription(['SECA', 'SECB'], 60_000);

      const api = `http://127.0.0.1:${processor.port}/api/bars?symbol=SECA&interval=5m&from=${t0}&to=${t0 + 3_600_000}`;
      expect((await fetch(api)).status, 'no token').toBe(401);
      expect((await fetch(api, { headers: { authorization: 'Bearer wrong-token' } })).status, 'wrong token').toBe(401);
      expect((await fetch(api, { headers: { authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}` } })).status, 'not a bearer').toBe(401);
      const ok = await fetch(api, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(ok.status, await ok.clone().text()).toBe(200);

      const metrics = [await (await fetch(`http://127.0.0.1:${producer.port}/metrics`)).text(), await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text()].join('\n');
      expect(metrics).toContain('tickflow_');
      expect(leaks(metrics), 'secrets in /metrics').toEqual([]);
    } finally {
      await stopTickflow(producer);
      await stopTickflow(processor);
    }
    const logs = producer.output() + processor.output();
    expect(logs.length, 'debug logs were written').toBeGreaterThan(200);
    expect(leaks(logs), `secrets in logs:\n${logs.slice(0, 2000)}`).toEqual([]);
  }, 300_000);

  it('a rejected Finnhub token: the error and retries are logged without the token', async () => {
    const wrong = secret('finnhubtok');
    SECRETS.push(wrong);
    const producer = tickflow(['produce', '--source', 'finnhub'], { ...env, FINNHUB_API_KEY: wrong }, await freePort());
    await until('a few rejected connection attempts', async () => server.connections().length >= 0 && producer.output().length > 200, 60_000, { output: producer.output, outputTail: OUTPUT_TAIL }).catch(() => {});
    await sleep(5000);
    await stopTickflow(producer, 10_000);
    expect(producer.output()).toMatch(/401|unauthori[sz]ed|rejected|token/i);
    expect(leaks(producer.output())).toEqual([]);
  }, 120_000);
});
