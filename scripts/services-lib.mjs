// Start, check and stop the local servers tests and the demo use (see docs/guides/services.md).
// Tests import this module: `ensureServices(['kafka'])` resolves to { kafka: '127.0.0.1:9092' }
// once a client round-trip succeeds, and sets process.env.KAFKA_BROKERS.
// State: .services/<name>/<name>.pid and .services/<name>/<name>.log.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { mavenInstall, onPath, run, SERVERS, SERVICES_DIR } from './services-servers.mjs';

export { CASSANDRA_JDK17_FLAGS, CASSANDRA_VERSION, KAFKA_VERSION, ROOT, SERVERS, SERVICES_DIR } from './services-servers.mjs';
/** Server names in start order. */
export const NAMES = Object.keys(SERVERS);
/** Server name → the environment variable that holds (or overrides) its endpoint. */
export const ENV_VARS = Object.fromEntries(NAMES.map((n) => [n, SERVERS[n].env]));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rel = (p) => relative(process.cwd(), p) || p;
export const pidFile = (name) => join(SERVICES_DIR, name, `${name}.pid`);
export const logFile = (name) => join(SERVICES_DIR, name, `${name}.log`);

function def(name) {
  const d = SERVERS[name];
  if (!d) throw new Error(`unknown server "${name}"; known: ${NAMES.join(', ')}`);
  return d;
}
/** The endpoint clients should use: the override variable when set, else the local default. */
export function endpointOf(name) {
  return process.env[def(name).env] || def(name).endpoint;
}
// External = its variable names another server. The local default value is ours: ensureServices
// sets it, and test workers inherit it, and they must still be able to restart that server.
const isExternal = (name) => Boolean(process.env[def(name).env]) && process.env[def(name).env] !== def(name).endpoint;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
const isServer = (name, pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(def(name).match);
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
};

/** Pid of the process listening on 127.0.0.1:port (Linux /proc), or null. */
function listenerPid(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(`socket:[${f[9]}]`);
      }
    } catch {}
  }
  if (!inodes.size) return null;
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      for (const fd of readdirSync(`/proc/${p}/fd`)) if (inodes.has(readlinkSync(`/proc/${p}/fd/${fd}`))) return Number(p);
    } catch {}
  }
  return null;
}

/**
 * Pid of the local server: from its pid file if that names a live process that is that server,
 * else the server process listening on its port (e.g. started from another checkout), or null.
 */
export function pidOf(name) {
  let pid = 0;
  try {
    pid = Number(readFileSync(pidFile(name), 'utf8'));
  } catch {}
  if (pid && alive(pid) && isServer(name, pid)) return pid;
  if (isExternal(name)) return null;
  const listener = listenerPid(def(name).port);
  return listener && isServer(name, listener) ? listener : null;
}

/** Resident memory of a process and its process group (postgres backends), in MiB. */
export function rssMiB(pid) {
  let kb = 0;
  const rssOf = (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  try {
    for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
        if (Number(p) === pid || pgrp === pid) kb += rssOf(p);
      } catch {}
    }
  } catch {
    return null;
  }
  return Math.round(kb / 1024);
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function logTail(name, lines = 15) {
  try {
    return readFileSync(logFile(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls the server's client round-trip until it succeeds; fails early if `pid` dies. */
export async function waitReady(name, { timeoutMs = def(name).readyTimeoutMs, pid = null } = {}) {
  const endpoint = endpointOf(name);
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      await def(name).check(endpoint);
      return endpoint;
    } catch (err) {
      last = err;
    }
    if (pid && !alive(pid)) {
      throw new Error(`${name} exited while starting; see its log ${rel(logFile(name))}:\n${logTail(name)}`);
    }
    if (Date.now() > deadline) {
      const where = isExternal(name)
        ? `${def(name).env} is set, so services:up only checks that server; unset it to start a local one`
        : `see its log ${rel(logFile(name))}`;
      throw new Error(`${name} did not answer at ${endpoint} within ${timeoutMs / 1000}s (${last?.message}); ${where}`);
    }
    await sleep(250);
  }
}

// ---------- install: Debian packages (apt-get, as root) and Maven jars, all cached

function javaMajor() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) return null;
  return Number(/version "(?:1\.)?(\d+)/.exec(r.stderr)?.[1] ?? 0);
}

const alternatives = (names) => `Alternatives:
  - run the servers in containers: docker compose -f examples/reference-app/docker-compose.yml up -d
  - or point tickflow at servers you already run; \`up\` then only checks them:
      ${names.map((n) => `${SERVERS[n].env}=${SERVERS[n].endpoint}`).join('\n      ')}`;

/** Downloads/installs what `names` need; fast no-op when everything is cached. */
export function installServers(names = NAMES, { log = console.log } = {}) {
  const todo = names.filter((n) => !isExternal(n) && !def(n).installed());
  const problems = [];
  const apt = [...new Set(todo.flatMap((n) => (Array.isArray(def(n).install) ? def(n).install : [])))];
  if (apt.length) {
    if (process.getuid?.() !== 0 || !onPath('apt-get')) {
      problems.push(`missing Debian packages: ${apt.join(' ')} (needs root and apt-get: sudo apt-get install -y --no-install-recommends ${apt.join(' ')})`);
    } else {
      log(`services: apt-get install ${apt.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      run('apt-get', ['update', '-q'], { env });
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...apt], { env });
      // where policy-rc.d allows it, packages start their own system service on our ports: stop it
      for (const svc of apt) spawnSync('service', [svc, 'stop'], { stdio: 'ignore' });
    }
  }
  const maven = todo.filter((n) => def(n).install === 'maven');
  const jvm = names.filter((n) => def(n).install === 'maven' && !isExternal(n));
  if (jvm.length) {
    const major = javaMajor();
    const missing = [];
    if (!major || major < 17) missing.push(`Java 17+ (found ${major ? `Java ${major}` : 'no java on PATH'})`);
    if (maven.length && !onPath('mvn')) missing.push('Maven (mvn) to fetch their jars from Maven Central');
    if (missing.length) problems.push(`${jvm.join(' and ')} need ${missing.join(' and ')}; e.g. apt-get install -y openjdk-17-jre-headless maven`);
    else {
      for (const n of maven) {
        log(`services: fetching ${n} jars from Maven Central (once; cached in .services/${n}/lib and ~/.m2)`);
        mavenInstall(n);
      }
    }
  }
  if (problems.length) {
    throw new Error(`services: cannot install ${todo.join(', ')}:\n  - ${problems.join('\n  - ')}\n${alternatives(todo)}`);
  }
}

// ---------- start / stop

async function launch(name) {
  const d = def(name);
  mkdirSync(join(SERVICES_DIR, name), { recursive: true });
  const { cmd, args, cwd, ...ids } = await d.prepare();
  const out = openSync(logFile(name), 'a');
  writeSync(out, `\n--- ${new Date().toISOString()} services: ${cmd} ${args.join(' ')}\n`);
  const child = spawn(cmd, args, { cwd: cwd ?? join(SERVICES_DIR, name), detached: true, stdio: ['ignore', out, out], ...ids });
  closeSync(out);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`${name}: cannot run ${cmd}: ${err.message}`)));
  });
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

// One `up` at a time, across processes (a test run and a terminal) and within one process.
let chain = Promise.resolve();
async function locked(fn) {
  const run = async () => {
    mkdirSync(SERVICES_DIR, { recursive: true });
    const lock = join(SERVICES_DIR, 'up.lock');
    for (;;) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        break;
      } catch (err) {
        if (err.code !== 'EEXIST') throw err;
        let owner = -1; // -1: just created, pid not written yet (or gone): look again
        try {
          owner = Number(readFileSync(lock, 'utf8')) || (Date.now() - statSync(lock).mtimeMs > 5000 ? 0 : -1);
        } catch {}
        if (owner === 0 || (owner > 0 && !alive(owner))) rmSync(lock, { force: true });
        else await sleep(250);
      }
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  };
  const result = chain.then(run);
  chain = result.catch(() => {});
  return result;
}

/**
 * Makes one server answer: checks an override, reuses a running server, or starts one and
 * waits for a client round-trip. Resolves to { name, endpoint, state, ms, pid }, where state is
 * 'external' (env override), 'running' (already answered) or 'started'.
 */
async function ensureOne(name) {
  const d = def(name);
  const t0 = Date.now();
  const result = (state, pid = pidOf(name)) => ({ name, endpoint: endpointOf(name), state, ms: Date.now() - t0, pid });
  if (isExternal(name)) {
    await waitReady(name, { timeoutMs: 15_000 });
    return result('external', null);
  }
  const pid = pidOf(name);
  if (pid || (await portOpen(d.port))) {
    try {
      await waitReady(name, { pid });
      return result('running');
    } catch (err) {
      if (!pid || alive(pid)) throw err; // something else holds the port, or ours is stuck
    }
  }
  const started = await launch(name);
  await waitReady(name, { pid: started });
  return result('started', started);
}

/**
 * Installs (if needed) and brings up `names` (default: all) in parallel. Resolves to
 * [{ name, endpoint, state, ms, pid }]; rejects naming every server that did not come up.
 */
export function upServices(names = NAMES, { log = console.log } = {}) {
  names.forEach(def);
  return locked(async () => {
    installServers(names, { log });
    const settled = await Promise.allSettled(names.map((n) => ensureOne(n)));
    const failed = settled.filter((s) => s.status === 'rejected').map((s) => s.reason.message);
    if (failed.length) throw new Error(`services: ${failed.length} server(s) did not come up:\n${failed.join('\n\n')}`);
    return settled.map((s) => s.value);
  });
}

/** Brings up `names` and returns { name: endpoint }; also sets the endpoint env vars. */
export async function ensureServices(names = NAMES, { log = () => {}, setEnv = true } = {}) {
  const results = await upServices(names, { log });
  if (setEnv) for (const r of results) process.env[ENV_VARS[r.name]] = r.endpoint;
  return Object.fromEntries(results.map((r) => [r.name, r.endpoint]));
}

/** Starts one server (no-op when it already answers) and waits until it is ready. */
export async function startServer(name) {
  const [r] = await upServices([name], { log: () => {} });
  return r;
}

async function waitExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Sends `signal` to a server we started (SIGKILL: whole process group, and waits for it). */
export async function killServer(name, signal = 'SIGKILL') {
  const pid = pidOf(name);
  if (!pid) return null;
  if (signal === 'SIGKILL') {
    process.kill(-pid, 'SIGKILL');
    await waitExit(pid, 10_000);
    rmSync(pidFile(name), { force: true });
  } else process.kill(pid, signal);
  return pid;
}

/** Stops a server we started: its stop signal (SIGTERM), a wait, then SIGKILL. */
export async function stopServer(name, { timeoutMs = def(name).stopTimeoutMs } = {}) {
  const pid = pidOf(name);
  if (!pid) {
    rmSync(pidFile(name), { force: true });
    return false;
  }
  process.kill(pid, def(name).stopSignal ?? 'SIGTERM');
  if (!(await waitExit(pid, timeoutMs))) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    await waitExit(pid, 10_000);
  }
  rmSync(pidFile(name), { force: true });
  return true;
}

/** Stops every server we started (all at once). */
export async function downServices(names = NAMES) {
  return Promise.all(names.map(async (n) => ({ name: n, stopped: await stopServer(n) })));
}

/** { name, endpoint, up, pid, rssMiB, log, external } for each server. */
export async function statusServices(names = NAMES) {
  return Promise.all(
    names.map(async (name) => {
      let up = true;
      try {
        await def(name).check(endpointOf(name));
      } catch {
        up = false;
      }
      const pid = pidOf(name);
      return { name, endpoint: endpointOf(name), up, pid, rssMiB: pid ? rssMiB(pid) : null, log: logFile(name), external: isExternal(name) };
    }),
  );
}
