// Internal: the `tickflow-cassandra` command (bin of @tickflow/sinks), testable without a process.
import { parseArgs } from 'node:util';
import type { CassandraClient } from './CassandraClient.js';
import { ensureSchema } from './ensureSchema.js';
import { type CassandraReplication, schemaStatements } from './schemaStatements.js';

/** What the command needs from the outside world. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Opens a client (default: cassandra-driver, loaded on demand). */
  connect?(contactPoints: string[], localDataCenter: string, env: Record<string, string | undefined>): Promise<CassandraClient & { shutdown(): Promise<void> }>;
}

const USAGE = `usage: tickflow-cassandra <init|print> [options]

  init    create the keyspace and the four tables if missing (idempotent)
  print   print the CQL instead of running it

options:
  --keyspace <name>            keyspace (default market_data)
  --replication-factor <n>     SimpleStrategy with n replicas (default 1)
  --dc <name:n>                NetworkTopologyStrategy, repeatable (e.g. --dc dc1:3 --dc dc2:3)
  --contact-points <h:p,...>   default $CASSANDRA_CONTACT_POINTS or 127.0.0.1:9042
  --local-dc <name>            default $CASSANDRA_LOCAL_DC or datacenter1
  credentials: $CASSANDRA_USERNAME and $CASSANDRA_PASSWORD (never on the command line)`;

async function driverConnect(contactPoints: string[], localDataCenter: string, env: Record<string, string | undefined>) {
  let driver: typeof import('cassandra-driver');
  try {
    driver = (await import('cassandra-driver')).default ?? (await import('cassandra-driver'));
  } catch {
    throw new Error('cassandra-driver is not installed: npm install cassandra-driver');
  }
  const auth = env.CASSANDRA_USERNAME ? new driver.auth.PlainTextAuthProvider(env.CASSANDRA_USERNAME, env.CASSANDRA_PASSWORD ?? '') : undefined;
  const client = new driver.Client({ contactPoints, localDataCenter, ...(auth ? { authProvider: auth } : {}) });
  await client.connect();
  return client;
}

/** Runs the command; resolves to the process exit code. */
export async function cassandraCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || (command !== 'init' && command !== 'print')) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  let replication: CassandraReplication | undefined;
  if (values.dc?.length) {
    replication = { class: 'NetworkTopologyStrategy' };
    for (const d of values.dc) {
      const m = /^([^:]+):(\d+)$/.exec(d);
      if (!m) {
        io.err(`--dc must look like name:replicas (e.g. dc1:3), got ${JSON.stringify(d)}`);
        return 2;
      }
      replication[m[1] as string] = Number(m[2]);
    }
  } else if (values['replication-factor'] !== undefined) {
    const rf = Number(values['replication-factor']);
    if (!Number.isInteger(rf) || rf < 1) {
      io.err(`--replication-factor must be an integer >= 1, got ${JSON.stringify(values['replication-factor'])}`);
      return 2;
    }
    replication = { class: 'SimpleStrategy', replication_factor: rf };
  }
  const schema = { ...(values.keyspace ? { keyspace: values.keyspace } : {}), ...(replication ? { replication } : {}) };
  try {
    if (command === 'print') {
      io.out(`${schemaStatements(schema).join(';\n\n')};`);
      return 0;
    }
    const contactPoints = (values['contact-points'] ?? io.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(',');
    const dc = values['local-dc'] ?? io.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
    const client = await (io.connect ?? driverConnect)(contactPoints, dc, io.env);
    try {
      const r = await ensureSchema(client, schema);
      io.out(`keyspace ${r.keyspace}: created ${r.created.length ? r.created.join(', ') : 'nothing'}; already there: ${r.existing.join(', ') || 'nothing'}`);
    } finally {
      await client.shutdown();
    }
    return 0;
  } catch (e) {
    io.err(`tickflow-cassandra ${command} failed: ${(e as Error).message}`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      keyspace: { type: 'string' },
      'replication-factor': { type: 'string' },
      dc: { type: 'string', multiple: true },
      'contact-points': { type: 'string' },
      'local-dc': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
