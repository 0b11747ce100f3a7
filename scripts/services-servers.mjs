// The seven local servers behind `npm run services:up`: where each listens, how it is installed,
// configured and started, and the client round-trip that proves it is ready.
// Process management (pid files, start/stop, locking) lives in services-lib.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where servers keep jars, config, data, logs and pid files (TICKFLOW_SERVICES_DIR moves it). */
export const SERVICES_DIR = process.env.TICKFLOW_SERVICES_DIR ? resolve(process.env.TICKFLOW_SERVICES_DIR) : join(ROOT, '.services');
/** TICKFLOW_PORT_OFFSET=10000 shifts every port (9092 → 19092 ...) to run a second, separate set. */
const OFFSET = Number(process.env.TICKFLOW_PORT_OFFSET || 0);
const P = (port) => port + OFFSET;
export const KAFKA_VERSION = '3.9.1';
export const CASSANDRA_VERSION = '5.0.5';
const dirOf = (name) => join(SERVICES_DIR, name);

// --add-exports/--add-opens lines of conf/jvm17-server.options (Apache Cassandra 5.0), verbatim.
// Exported for tests that start a second, separately configured instance (test/faults/cassandraAuth.test.ts).
export const CASSANDRA_JDK17_FLAGS = `
--add-exports java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports java.sql/java.sql=ALL-UNNAMED
--add-exports java.base/java.lang.ref=ALL-UNNAMED
--add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens java.base/java.lang.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens java.base/jdk.internal.math=ALL-UNNAMED
--add-opens java.base/jdk.internal.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens java.base/sun.nio.ch=ALL-UNNAMED
--add-opens java.base/java.io=ALL-UNNAMED
--add-opens java.base/java.lang.reflect=ALL-UNNAMED
--add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
--add-opens java.base/java.lang=ALL-UNNAMED
--add-opens java.base/java.util=ALL-UNNAMED
`
  .trim()
  .split(/\s+/);

const write = (file, text) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** Runs a command synchronously; throws with its output when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n${out}`);
  }
  return r.stdout ?? '';
}

/** Like run, without blocking the event loop (servers prepare in parallel). */
export function runAsync(cmd, args, { input, ...opts } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => reject(new Error(`${cmd} ${args.join(' ')} failed (${err.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code})\n${out.trim().split('\n').slice(-20).join('\n')}`));
    });
    child.stdin.end(input ?? '');
  });
}

// ---------- Maven: a throwaway pom + copy-dependencies gives a server's full runtime classpath
export function mavenLib(name) {
  return join(dirOf(name), 'lib');
}
function mavenArtifacts(name) {
  return name === 'kafka'
    ? [`org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`, 'org.slf4j:slf4j-reload4j:1.7.36']
    : [`org.apache.cassandra:cassandra-all:${CASSANDRA_VERSION}`];
}
export function mavenInstalled(name) {
  const marker = join(mavenLib(name), '.complete');
  return existsSync(marker) && readFileSync(marker, 'utf8') === mavenArtifacts(name).join('\n');
}
export function mavenInstall(name) {
  const deps = mavenArtifacts(name).map((gav) => {
    const [g, a, v] = gav.split(':');
    return `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  });
  const pom = join(dirOf(name), 'pom.xml');
  write(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>tickflow.services</groupId><artifactId>${name}</artifactId><version>0</version>
  <dependencies>${deps.join('')}</dependencies>
</project>\n`,
  );
  run('rm', ['-rf', mavenLib(name)]);
  run('mvn', ['-q', '-B', '-f', pom, `-DoutputDirectory=${mavenLib(name)}`, 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(join(mavenLib(name), '.complete'), mavenArtifacts(name).join('\n'));
}

// ---------- Debian binaries
export function postgresBin(tool) {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', tool))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin', tool) : null;
}
export function onPath(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout?.trim() || null;
}

// ---------- client round-trips (each one attempt, short timeouts; imported lazily so that
// `services.mjs install` works before `npm ci`)
async function checkKafka(brokers) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'tickflow-services',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers.length || cluster.controller == null) throw new Error('no controller yet');
    // the first FindCoordinator creates __consumer_offsets: ready means consumer groups work too
    await admin.describeGroups(['tickflow-services-ready']);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
async function checkCassandra(contactPoints) {
  const { Client } = await import('cassandra-driver');
  const client = new Client({
    contactPoints: contactPoints.split(','),
    localDataCenter: process.env.CASSANDRA_LOCAL_DC || 'datacenter1',
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
  });
  try {
    await client.connect();
    await client.execute('SELECT release_version FROM system.local');
  } finally {
    await client.shutdown().catch(() => {});
  }
}
async function checkHttp(url, expect) {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  if (expect && !expect(text)) throw new Error(`GET ${url} answered unexpected body: ${text.slice(0, 200)}`);
}
async function checkNats(url) {
  const { connect } = await import('nats');
  const nc = await connect({ servers: url, timeout: 2000, reconnect: false, maxReconnectAttempts: 0 });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 2000 });
    await jsm.getAccountInfo(); // proves JetStream is enabled
  } finally {
    await nc.close().catch(() => {});
  }
}
async function checkRedis(url) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    if ((await redis.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
  } finally {
    redis.disconnect();
  }
}
async function checkPostgres(url) {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------- the servers
const java = (heap, extra, classpath, main, args) => ({
  cmd: 'java',
  args: [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', ...extra, '-cp', `${classpath}/*`, main, ...args],
});

/**
 * Each server: `env` (the variable that overrides its endpoint), `endpoint` (default), `port`,
 * `install` ('maven' or Debian package names), `installed()`, `prepare()` → { cmd, args, uid?, gid? }
 * (writes config, formats storage), `check(endpoint)`, `match` (a word of its command line, to
 * recognise its pid), `readyTimeoutMs`, `stopSignal`, `stopTimeoutMs`.
 */
export const SERVERS = {
  kafka: {
    env: 'KAFKA_BROKERS',
    endpoint: `127.0.0.1:${P(9092)}`,
    port: P(9092),
    install: 'maven',
    installed: () => mavenInstalled('kafka'),
    match: 'kafka.Kafka',
    readyTimeoutMs: 90_000,
    stopTimeoutMs: 30_000,
    check: checkKafka,
    async prepare() {
      const dir = dirOf('kafka');
      const props = join(dir, 'server.properties');
      write(
        props,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.voters=1@127.0.0.1:${P(9093)}`,
          `listeners=PLAINTEXT://127.0.0.1:${P(9092)},CONTROLLER://127.0.0.1:${P(9093)}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${P(9092)}`,
          'controller.listener.names=CONTROLLER',
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          `log.dirs=${join(dir, 'data')}`,
          'auto.create.topics.enable=true',
          'num.partitions=1',
          'default.replication.factor=1',
          'min.insync.replicas=1',
          'offsets.topic.replication.factor=1',
          'offsets.topic.num.partitions=1',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'transaction.state.log.num.partitions=1',
          'group.initial.rebalance.delay.ms=0',
          'log.retention.hours=168',
          '',
        ].join('\n'),
      );
      const log4j = join(dir, 'log4j.properties');
      write(
        log4j,
        [
          'log4j.rootLogger=INFO, stdout',
          'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
          'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
          'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
          'log4j.logger.org.apache.kafka.clients=WARN',
          'log4j.logger.kafka.log.LogCleaner=WARN',
          'log4j.logger.state.change.logger=WARN',
          '',
        ].join('\n'),
      );
      const log4jOpt = `-Dlog4j.configuration=file:${log4j}`;
      if (!existsSync(join(dir, 'data', 'meta.properties'))) {
        let clusterId; // what `kafka-storage random-uuid` prints: 16 random bytes, base64url
        do clusterId = randomBytes(16).toString('base64url');
        while (clusterId.startsWith('-'));
        await runAsync('java', [log4jOpt, '-cp', `${mavenLib('kafka')}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted']);
      }
      return java('512m', [log4jOpt], mavenLib('kafka'), 'kafka.Kafka', [props]);
    },
  },

  cassandra: {
    env: 'CASSANDRA_CONTACT_POINTS',
    endpoint: `127.0.0.1:${P(9042)}`,
    port: P(9042),
    install: 'maven',
    installed: () => mavenInstalled('cassandra'),
    match: 'CassandraDaemon',
    readyTimeoutMs: 180_000,
    stopTimeoutMs: 60_000,
    check: checkCassandra,
    prepare() {
      const dir = dirOf('cassandra');
      const yaml = join(dir, 'cassandra.yaml');
      write(
        yaml,
        `# Single-node Cassandra for local tests (written by scripts/services-servers.mjs)
cluster_name: tickflow
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${P(7000)}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${P(7000)}
native_transport_port: ${P(9042)}
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
storage_compatibility_mode: NONE
auto_snapshot: false
hinted_handoff_enabled: false
concurrent_compactors: 1
`,
      );
      const logback = join(dir, 'logback.xml');
      write(
        logback,
        `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.cassandra.db.ColumnFamilyStore" level="WARN"/>
  <logger name="org.apache.cassandra.db.memtable" level="WARN"/>
  <logger name="org.apache.cassandra.io.sstable" level="WARN"/>
  <logger name="org.apache.cassandra.db.lifecycle" level="WARN"/>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`,
      );
      const lib = mavenLib('cassandra');
      const jamm = readdirSync(lib).find((f) => /^jamm-.*\.jar$/.test(f));
      return java(
        '1G',
        [
          '-XX:+ParallelRefProcEnabled',
          '-XX:MaxGCPauseMillis=300',
          '-Djdk.attach.allowAttachSelf=true',
          ...CASSANDRA_JDK17_FLAGS,
          '-Dio.netty.tryReflectionSetAccessible=true',
          `-javaagent:${join(lib, jamm)}`,
          '-Dcassandra-foreground=yes',
          `-Dcassandra.config=file://${yaml}`,
          `-Dcassandra.storagedir=${join(dir, 'data')}`,
          `-Dcassandra.logdir=${join(dir, 'logs')}`,
          `-Dlogback.configurationFile=${logback}`,
          '-Dcassandra.skip_wait_for_gossip_to_settle=0',
          '-Dcassandra.ring_delay_ms=100',
          '-Djava.net.preferIPv4Stack=true',
        ],
        lib,
        'org.apache.cassandra.service.CassandraDaemon',
        [],
      );
    },
  },

  'schema-registry': {
    env: 'SCHEMA_REGISTRY_URL',
    endpoint: `http://127.0.0.1:${P(8081)}`,
    port: P(8081),
    install: [],
    installed: () => true,
    match: 'schema-registry.mjs',
    readyTimeoutMs: 15_000,
    stopTimeoutMs: 5_000,
    check: (url) => checkHttp(`${url}/subjects`, (t) => Array.isArray(JSON.parse(t))),
    prepare: () => ({
      cmd: process.execPath,
      args: [join(ROOT, 'scripts', 'schema-registry.mjs'), '--host', '127.0.0.1', '--port', String(P(8081)), '--store', join(dirOf('schema-registry'), 'store.json')],
    }),
  },

  nats: {
    env: 'NATS_URL',
    endpoint: `nats://127.0.0.1:${P(4222)}`,
    port: P(4222),
    install: ['nats-server'],
    installed: () => Boolean(onPath('nats-server')),
    match: 'nats-server',
    readyTimeoutMs: 15_000,
    stopTimeoutMs: 10_000,
    check: checkNats,
    prepare: () => ({
      cmd: onPath('nats-server'),
      args: ['-n', 'tickflow', '-a', '127.0.0.1', '-p', String(P(4222)), '-m', String(P(8222)), '-js', '-sd', join(dirOf('nats'), 'jetstream')],
    }),
  },

  redis: {
    env: 'REDIS_URL',
    endpoint: `redis://127.0.0.1:${P(6379)}`,
    port: P(6379),
    install: ['redis-server'],
    installed: () => Boolean(onPath('redis-server')),
    match: 'redis-server',
    readyTimeoutMs: 15_000,
    stopTimeoutMs: 10_000,
    check: checkRedis,
    prepare() {
      const dir = dirOf('redis');
      mkdirSync(join(dir, 'data'), { recursive: true });
      const conf = join(dir, 'redis.conf');
      write(
        conf,
        ['bind 127.0.0.1', `port ${P(6379)}`, 'daemonize no', 'protected-mode yes', `dir ${join(dir, 'data')}`, 'save 60 1000', 'appendonly no', 'logfile ""', ''].join('\n'),
      );
      return { cmd: onPath('redis-server'), args: [conf] };
    },
  },

  postgres: {
    env: 'DATABASE_URL',
    endpoint: `postgres://tickflow:tickflow@127.0.0.1:${P(5432)}/tickflow`,
    port: P(5432),
    install: ['postgresql'],
    installed: () => Boolean(postgresBin('postgres')),
    match: 'postgres',
    readyTimeoutMs: 30_000,
    stopSignal: 'SIGINT', // "fast" shutdown; SIGTERM would wait for every client to disconnect
    stopTimeoutMs: 20_000,
    check: checkPostgres,
    async prepare() {
      // PostgreSQL refuses to run as root: as root, run it as the `postgres` user Debian creates.
      const asRoot = process.getuid?.() === 0;
      const ids = asRoot ? { uid: Number(run('id', ['-u', 'postgres'])), gid: Number(run('id', ['-g', 'postgres'])) } : {};
      let home = dirOf('postgres');
      mkdirSync(home, { recursive: true });
      if (asRoot && spawnSync('test', ['-x', home], ids).status !== 0) {
        // the checkout is not reachable by `postgres` (e.g. under /root): keep the cluster outside
        home = `/var/tmp/tickflow-postgres-${createHash('sha1').update(SERVICES_DIR).digest('hex').slice(0, 8)}`;
        mkdirSync(home, { recursive: true, mode: 0o755 });
      }
      const data = join(home, 'data');
      if (!existsSync(join(data, 'PG_VERSION'))) {
        mkdirSync(data, { recursive: true, mode: 0o700 });
        const pw = join(home, 'pwfile');
        write(pw, 'tickflow\n');
        if (asRoot) for (const f of [data, pw]) chownSync(f, ids.uid, ids.gid);
        const opts = { ...ids, cwd: home };
        await runAsync(postgresBin('initdb'), ['-D', data, '-U', 'tickflow', `--pwfile=${pw}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions'], opts);
        await runAsync(postgresBin('postgres'), ['--single', '-D', data, 'postgres'], { ...opts, input: 'CREATE DATABASE tickflow OWNER tickflow\n' });
      }
      const args = ['-D', data, '-h', '127.0.0.1', '-p', String(P(5432)), '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'shared_buffers=128MB'];
      return { cmd: postgresBin('postgres'), args, cwd: home, ...ids };
    },
  },

  prometheus: {
    env: 'PROMETHEUS_URL',
    endpoint: `http://127.0.0.1:${P(9090)}`,
    port: P(9090),
    install: ['prometheus'],
    installed: () => Boolean(onPath('prometheus')),
    match: 'prometheus',
    readyTimeoutMs: 30_000,
    stopTimeoutMs: 15_000,
    check: (url) => checkHttp(`${url}/-/ready`),
    prepare() {
      const dir = dirOf('prometheus');
      mkdirSync(join(dir, 'targets'), { recursive: true });
      const conf = join(dir, 'prometheus.yml');
      // Scrape targets: Prometheus itself, the reference app's metrics endpoint (127.0.0.1:9464,
      // the usual Node exporter port) and any file dropped in .services/prometheus/targets/*.json
      // (file_sd format: [{"targets":["127.0.0.1:1234"],"labels":{"job":"x"}}]), re-read live.
      write(
        conf,
        `global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${P(9090)}'] }]
  - job_name: tickflow
    static_configs: [{ targets: ['127.0.0.1:9464'] }]
    file_sd_configs: [{ files: ['${join(dir, 'targets')}/*.json'] }]
`,
      );
      return {
        cmd: onPath('prometheus'),
        args: [
          `--config.file=${conf}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          '--storage.tsdb.retention.time=7d',
          `--web.listen-address=127.0.0.1:${P(9090)}`,
          '--web.enable-lifecycle',
        ],
      };
    },
  },
};
