#!/usr/bin/env node
// Injects a server fault on a shared local server and ALWAYS brings it back:
//   node test/faults/serverFault.mjs <kafka|cassandra> <kill|stop> <downMs>
// Run it under `flock /tmp/services.lock` (the driver does) so engineers sharing the servers do
// not stop/start them at the same time. Prints one JSON line: { downAt, upAt, readyAt }.
import { killServer, startServer, stopServer } from '../../scripts/services-lib.mjs';

const [name, mode, downMs] = process.argv.slice(2);
if (!['kafka', 'cassandra'].includes(name) || !['kill', 'stop'].includes(mode)) {
  console.error('usage: serverFault.mjs <kafka|cassandra> <kill|stop> <downMs>');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const downAt = Date.now();
try {
  if (mode === 'kill') await killServer(name, 'SIGKILL');
  else await stopServer(name);
  await sleep(Math.max(0, Number(downMs) - (Date.now() - downAt)));
} finally {
  const upAt = Date.now();
  await startServer(name);
  console.log(JSON.stringify({ downAt, upAt, readyAt: Date.now() }));
}
