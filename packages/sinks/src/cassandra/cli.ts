#!/usr/bin/env node
// `tickflow-cassandra init|print`: creates (or prints) tickflow's Cassandra schema. See cassandraCli.ts.
import { cassandraCli } from './cassandraCli.js';

cassandraCli(process.argv.slice(2), {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
