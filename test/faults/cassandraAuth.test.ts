/**
 * Cassandra with PasswordAuthenticator for real: a second, secured Cassandra on 127.0.0.1:9142 (its
 * own config, ports and data dir under .services/cassandra-auth*, started from the jars the
 * services script installed; the shared Cassandra on 9042 is untouched). As the superuser it
 * creates a least-privilege role, then checks the documented ways in:
 * - the reference app's `tickflow cassandra init` with CASSANDRA_USERNAME/CASSANDRA_PASSWORD
 *   creates the schema, and cassandraSink writes through the caller's
 *   `new cassandra.Client({ credentials })`, read back with readTrades/readBars;
 * - a wrong password and no credentials are refused with the driver's AuthenticationError; the
 *   sink fails (it does not retry forever) and the CLI exits 1 saying what to set, never printing
 *   the password.
 * TICKFLOW_SKIP_CASSANDRA_AUTH=1 skips it; TICKFLOW_AUTH_CASSANDRA_PORT moves it (storage port +1).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Bar, Trade } from '@tickflow/core';
import { cassandraSink, readBars, readTrades } from '@tickflow/sinks/cassandra';
import cassandra from 'cassandra-driver';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASSANDRA_JDK17_FLAGS, SERVICES_DIR } from '../../scripts/services-lib.mjs';
import { sleep } from '../support/sleep.js';
import { tickflow } from './driver.js';

const lib = join(SERVICES_DIR, 'cassandra', 'lib');
const PORT = Number(process.env.TICKFLOW_AUTH_CASSANDRA_PORT ?? 9142);
const STORAGE_PORT = PORT + 1;
const HOST = `127.0.0.1:${PORT}`;
const DC = 'datacenter1';
const run = `cauth${Date.now().toString(36)}`;
const dir = join(SERVICES_DIR, `cassandra-auth-${run}`);
const KEYSPACE = `${run}_ks`;
const PASSWORD = `cass-pw-${randomBytes(12).toString('hex')}`;
const WRONG = `${PASSWORD}-wrong`;
const installed = existsSync(join(lib, '.complete'));
const skipped = !installed || process.env.TICKFLOW_SKIP_CASSANDRA_AUTH === '1';
if (skipped) console.log(`[cassandra-auth] skipped: ${installed ? 'TICKFLOW_SKIP_CASSANDRA_AUTH=1' : `no Cassandra install at ${lib} (npm run services:up cassandra)`}`);

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });

const client = (credentials?: { username: string; password: string }) =>
  new cassandra.Client({ contactPoints: [HOST], localDataCenter: DC, ...(credentials ? { credentials } : {}), socketOptions: { connectTimeout: 5000 } });

/** The driver error a refused login gives: NoHostAvailableError whose per-host error is an AuthenticationError. */
function authError(e: unknown): Error {
  expect(e).toBeInstanceOf(cassandra.errors.NoHostAvailableError);
  const inner = Object.values((e as cassandra.errors.NoHostAvailableError).innerErrors) as Error[];
  expect(inner).toHaveLength(1);
  expect(inner[0]).toBeInstanceOf(cassandra.errors.AuthenticationError);
  return inner[0]!;
}

/** Runs `tickflow cassandra init` against the secured instance; resolves to its exit code and output. */
async function cassandraInit(credentials: Record<string, string>) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), CASSANDRA_CONTACT_POINTS: HOST, CASSANDRA_LOCAL_DC: DC, CASSANDRA_KEYSPACE: KEYSPACE, ...credentials };
  if (!credentials.CASSANDRA_USERNAME) delete env.CASSANDRA_USERNAME;
  if (!credentials.CASSANDRA_PASSWORD) delete env.CASSANDRA_PASSWORD;
  const c = tickflow(['cassandra', 'init'], env);
  return { code: await c.exit, output: c.output() };
}

function writeConfig(): { yaml: string; logback: string } {
  for (const d of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw', 'logs']) mkdirSync(join(dir, d), { recursive: true });
  const yaml = join(dir, 'cassandra.yaml');
  writeFileSync(
    yaml,
    `# Second, password-protected Cassandra for test/faults/cassandraAuth.test.ts
cluster_name: tickflow-auth
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${STORAGE_PORT}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${STORAGE_PORT}
native_transport_port: ${PORT}
start_native_transport: true
data_file_directories: [${join(dir, 'data')}]
commitlog_directory: ${join(dir, 'commitlog')}
saved_caches_directory: ${join(dir, 'saved_caches')}
hints_directory: ${join(dir, 'hints')}
cdc_raw_directory: ${join(dir, 'cdc_raw')}
authenticator:
  class_name: org.apache.cassandra.auth.PasswordAuthenticator
authorizer:
  class_name: org.apache.cassandra.auth.CassandraAuthorizer
role_manager:
  class_name: org.apache.cassandra.auth.CassandraRoleManager
commitlog_sync: periodic
commitlog_sync_period: 10000ms
storage_compatibility_mode: NONE
auto_snapshot: false
hinted_handoff_enabled: false
concurrent_compactors: 1
`,
  );
  const logback = join(dir, 'logback.xml');
  writeFileSync(
    logback,
    `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`,
  );
  return { yaml, logback };
}

function startCassandra(): ChildProcess {
  const { yaml, logback } = writeConfig();
  const jamm = readdirSync(lib).find((f) => /^jamm-.*\.jar$/.test(f));
  const log = openSync(join(dir, 'cassandra.log'), 'a');
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      '-Djdk.attach.allowAttachSelf=true',
      ...CASSANDRA_JDK17_FLAGS,
      '-Dio.netty.tryReflectionSetAccessible=true',
      ...(jamm ? [`-javaagent:${join(lib, jamm)}`] : []),
      '-Dcassandra-foreground=yes',
      `-Dcassandra.config=file://${yaml}`,
      `-Dcassandra.storagedir=${dir}`,
      `-Dcassandra.logdir=${join(dir, 'logs')}`,
      `-Dlogback.configurationFile=${logback}`,
      // fast start: one node, no gossip settling, the default superuser created at once
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      '-Dcassandra.ring_delay_ms=100',
      '-Dcassandra.superuser_setup_delay_ms=0',
      '-Dcassandra.auth_bcrypt_gensalt_log2_rounds=4',
      '-Djava.net.preferIPv4Stack=true',
      '-cp',
      `${lib}/*`,
      'org.apache.cassandra.service.CassandraDaemon',
    ],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  return child;
}

const logTail = () => {
  try {
    return readFileSync(join(dir, 'cassandra.log'), 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
};

describe.skipIf(skipped)('Cassandra PasswordAuthenticator (separate secured instance)', () => {
  let server: ChildProcess | undefined;
  let skipReason = '';
  const killServer = () => server?.exitCode === null && server.kill('SIGKILL');
  beforeAll(async () => {
    for (const p of [PORT, STORAGE_PORT]) if (await portOpen(p)) skipReason = `port ${p} is taken`;
    if (skipReason) {
      console.log(`[cassandra-auth] skipped: ${skipReason}`);
      return;
    }
    process.once('exit', killServer);
    const t0 = Date.now();
    server = startCassandra();
    // up = the superuser can log in (PasswordAuthenticator creates cassandra/cassandra at startup)
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the secured Cassandra exited ${server.exitCode}:\n${logTail()}`);
      if (Date.now() - t0 > 150_000) throw new Error(`the secured Cassandra did not accept a login on ${PORT} in 150 s:\n${logTail()}`);
      if (await portOpen(PORT)) {
        const admin = client({ username: 'cassandra', password: 'cassandra' });
        try {
          await admin.connect();
          await admin.execute(`CREATE ROLE IF NOT EXISTS tickflow WITH PASSWORD = '${PASSWORD}' AND LOGIN = true AND SUPERUSER = false`);
          // least privilege: it may create keyspaces; as their creator it gets ALL on them
          await admin.execute('GRANT CREATE ON ALL KEYSPACES TO tickflow');
          break;
        } catch {
          // not ready yet (native port open before the superuser exists)
        } finally {
          await admin.shutdown().catch(() => {});
        }
      }
      await sleep(250);
    }
    console.log(`[cassandra-auth] secured Cassandra on ${HOST}: superuser login and role ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000);
  afterAll(async () => {
    process.off('exit', killServer);
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('`tickflow cassandra init` with CASSANDRA_USERNAME/PASSWORD creates the schema; cassandraSink writes through a credentials client', async (ctx) => {
    if (skipReason) ctx.skip();
    const init = await cassandraInit({ CASSANDRA_USERNAME: 'tickflow', CASSANDRA_PASSWORD: PASSWORD });
    expect(init.code, init.output).toBe(0);
    expect(init.output).toContain('processor_checkpoints ready');
    expect(init.output).not.toContain(PASSWORD);

    const c = client({ username: 'tickflow', password: PASSWORD });
    try {
      const tables = await c.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [KEYSPACE]);
      expect(tables.rows.map((r) => r.get('table_name')).sort()).toEqual(['processor_checkpoints', 'trades_bronze', 'trades_gold_1h', 'trades_gold_5m', 'trades_silver']);

      const t0 = Date.UTC(2024, 0, 2, 15);
      const trades: Trade[] = Array.from({ length: 50 }, (_, i) => ({ symbol: i % 2 ? 'AUTHA' : 'AUTHB', price: 100 + (i % 7), size: 1 + (i % 3), ts: t0 + i * 1000, id: `${run}-t${i}` }));
      const acks = await lastValueFrom(from(trades).pipe(cassandraSink<Trade>({ client: c, keyspace: KEYSPACE, table: 'trades_silver' }), toArray()));
      expect(acks).toHaveLength(50);
      const readBack = [...(await readTrades(c, { symbol: 'AUTHA', keyspace: KEYSPACE, from: t0, to: t0 + 60_000 })), ...(await readTrades(c, { symbol: 'AUTHB', keyspace: KEYSPACE, from: t0, to: t0 + 60_000 }))];
      const key = (t: Trade) => `${t.id}`;
      expect(readBack.map((t) => ({ symbol: t.symbol, price: t.price, size: t.size, ts: t.ts, id: t.id })).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
        [...trades].sort((a, b) => key(a).localeCompare(key(b))),
      );

      const bar = (symbol: string, k: number): Bar => {
        const start = t0 + k * 300_000;
        return { symbol, interval: '5m', start, end: start + 300_000, open: 100 + k, high: 110 + k, low: 90 + k, close: 105 + k, volume: 10 * (k + 1), count: k + 1, vwap: 101.5 + k };
      };
      const bars = [bar('AUTHA', 0), bar('AUTHA', 1), bar('AUTHA', 2)];
      expect(await lastValueFrom(from(bars).pipe(cassandraSink<Bar>({ client: c, keyspace: KEYSPACE, table: 'trades_gold_5m' }), toArray()))).toHaveLength(3);
      expect(await readBars(c, { symbol: 'AUTHA', interval: '5m', keyspace: KEYSPACE, from: t0, to: t0 + 3_600_000 })).toEqual(bars);

      // the authorizer is on too: the role is not a superuser
      await expect(c.execute(`CREATE ROLE ${run}_intruder WITH PASSWORD = 'x' AND LOGIN = true`)).rejects.toThrow(/does not have sufficient privileges/);
    } finally {
      await c.shutdown();
    }
  }, 120_000);

  it('a wrong password is refused with an AuthenticationError; the sink fails and the CLI says what to fix, without the password', async (ctx) => {
    if (skipReason) ctx.skip();
    const wrong = client({ username: 'tickflow', password: WRONG });
    const refused = await wrong.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(authError(refused).message).toMatch(/Provided username tickflow and\/or password are incorrect/);
    expect(String((refused as Error).message)).not.toContain(WRONG);
    await wrong.shutdown();

    // the SDK path: the sink is handed a client that cannot log in; it must fail, not retry forever
    const unconnected = client({ username: 'tickflow', password: WRONG });
    const trade: Trade = { symbol: 'AUTHA', price: 1, size: 1, ts: Date.UTC(2024, 0, 2, 15), id: `${run}-x` };
    const t0 = Date.now();
    const sinkError = await lastValueFrom(from([trade]).pipe(cassandraSink<Trade>({ client: unconnected, keyspace: KEYSPACE, table: 'trades_silver' }))).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; cause?: unknown },
    );
    expect(sinkError, 'the sink failed').toBeDefined();
    expect(sinkError!.code).toBe('CASSANDRA_WRITE');
    expect(sinkError!.message).not.toContain(PASSWORD);
    expect(Date.now() - t0, 'without retrying').toBeLessThan(30_000);
    authError(sinkError!.cause ?? sinkError);
    await unconnected.shutdown();

    const cli = await cassandraInit({ CASSANDRA_USERNAME: 'tickflow', CASSANDRA_PASSWORD: WRONG });
    expect(cli.code, cli.output).toBe(1);
    expect(cli.output).toMatch(/password are incorrect/);
    expect(cli.output).toMatch(/CASSANDRA_PASSWORD/);
    expect(cli.output).not.toContain(PASSWORD);
  }, 120_000);

  it('no credentials are refused; the CLI says to set CASSANDRA_USERNAME and CASSANDRA_PASSWORD', async (ctx) => {
    if (skipReason) ctx.skip();
    const anonymous = client();
    const refused = await anonymous.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(authError(refused).message).toMatch(/authentication|authenticator/i);
    await anonymous.shutdown();

    const cli = await cassandraInit({});
    expect(cli.code, cli.output).toBe(1);
    expect(cli.output).toMatch(/CASSANDRA_USERNAME/);
    expect(cli.output).toMatch(/CASSANDRA_PASSWORD/);
  }, 120_000);
});
