#!/usr/bin/env node
// Local servers for tests and the demo, without Docker. See docs/guides/services.md.
//
//   node scripts/services.mjs up [names...]      start (or reuse) servers, wait until each answers
//   node scripts/services.mjs down [names...]    stop the servers `up` started
//   node scripts/services.mjs status [names...]  up/down, endpoint, pid, memory
//   node scripts/services.mjs install [names...] only download/install (Debian packages, Maven jars)
//   node scripts/services.mjs env [names...]     print `export VAR=endpoint` lines for a shell
//
// Names: kafka cassandra schema-registry nats redis postgres prometheus (default: all).
// An endpoint variable that is already set (KAFKA_BROKERS, ...) means "use that server": it is
// checked, never started.
import { relative } from 'node:path';
import { downServices, ENV_VARS, endpointOf, installServers, NAMES, statusServices, upServices } from './services-lib.mjs';

const [command = 'status', ...rest] = process.argv.slice(2);
const names = rest.length ? rest : NAMES;
const unknown = names.filter((n) => !NAMES.includes(n));
if (unknown.length) fail(`unknown server(s): ${unknown.join(', ')}; known: ${NAMES.join(' ')}`);
const pad = (s, n) => String(s).padEnd(n);
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

async function main() {
  switch (command) {
    case 'install': {
      const t0 = Date.now();
      installServers(names);
      console.log(`services: installed ${names.join(', ')} (${secs(Date.now() - t0)})`);
      break;
    }
    case 'up': {
      const t0 = Date.now();
      const results = await upServices(names);
      for (const r of results) {
        const how = { started: `started in ${secs(r.ms)}`, running: 'already running', external: `external (${ENV_VARS[r.name]})` }[r.state];
        console.log(`${pad(r.name, 16)} ${pad(r.endpoint, 54)} ${pad(how, 20)} ${r.pid ? `pid ${r.pid}` : ''}`);
      }
      console.log(`services: ${results.length} up in ${secs(Date.now() - t0)}. For a shell: eval "$(node scripts/services.mjs env)"`);
      break;
    }
    case 'down':
      for (const r of await downServices(names)) console.log(`${pad(r.name, 16)} ${r.stopped ? 'stopped' : 'was not started by services:up'}`);
      break;
    case 'status':
      for (const s of await statusServices(names)) {
        const mem = s.rssMiB != null ? `${s.rssMiB} MiB` : '';
        const pid = s.pid ? `pid ${s.pid}` : s.external ? 'external' : s.up ? 'not ours' : '';
        console.log(`${pad(s.name, 16)} ${pad(s.up ? 'up' : 'down', 5)} ${pad(s.endpoint, 54)} ${pad(pid, 11)} ${pad(mem, 9)} ${relative(process.cwd(), s.log)}`);
      }
      break;
    case 'env':
      for (const n of names) console.log(`export ${ENV_VARS[n]}='${endpointOf(n)}'`);
      break;
    default:
      fail(`usage: node scripts/services.mjs up|down|status|install|env [${NAMES.join('|')} ...]`);
  }
}

main().catch((err) => fail(err.message));
