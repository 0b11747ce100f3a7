#!/usr/bin/env node
// The `tickflow` command. The app is TypeScript run by tsx; this shim registers tsx with the app's
// tsconfig (whose paths point @tickflow/* at the packages' sources, so no build step is needed)
// and then loads the CLI.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Until the CLI installs its graceful shutdown, Ctrl-C just ends the process cleanly (nothing runs yet).
const early = () => process.exit(0);
globalThis.__tickflowEarlySignal = early;
process.once('SIGINT', early);
process.once('SIGTERM', early);

const here = dirname(fileURLToPath(import.meta.url));
register({ tsconfig: join(here, '..', 'tsconfig.json') });
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
// The command has finished (and closed what it opened): end now, even if a client library left a
// socket or timer behind.
process.exit(process.exitCode ?? 0);
