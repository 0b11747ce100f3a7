import { parseArgs } from 'node:util';

/** A command the CLI runs. Two-word commands are joined with a space (`topics create`). */
export type CommandName =
  | 'demo'
  | 'produce'
  | 'process'
  | 'topics create'
  | 'schemas register'
  | 'cassandra init'
  | 'services up'
  | 'services down'
  | 'services status'
  | 'quotes'
  | 'config'
  | 'help';

/** Flags every command accepts (unknown flags are an error). */
export interface CliFlags {
  config?: string;
  dryRun: boolean;
  symbols?: string[];
  metricsPort?: number;
  logLevel?: string;
  source?: string;
  file?: string;
  speed?: number;
  rate?: number;
  count?: number;
  kafka: boolean;
  cassandra: boolean;
  brokers?: string[];
  contactPoints?: string[];
  quotes: boolean;
  group?: string;
  maxOutOfOrdernessMs?: number;
  fromBeginning: boolean;
  once: boolean;
  /** process: end (flush, commit, exit 0) after this long without input. */
  idleExitMs?: number;
  help: boolean;
}

/** The parsed command line. */
export interface CliArgs {
  command: CommandName;
  flags: CliFlags;
  /** Extra words after the command (server names for `services`). */
  rest: string[];
}

/** A mistake on the command line; the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const TWO_WORD: Record<string, readonly string[]> = {
  topics: ['create'],
  schemas: ['register'],
  cassandra: ['init'],
  services: ['up', 'down', 'status'],
};
const ONE_WORD = ['demo', 'produce', 'process', 'quotes', 'config', 'help'];
const SOURCES = ['auto', 'finnhub', 'replay', 'synthetic', 'fake-finnhub'];

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

function num(name: string, v: string | undefined, int: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) {
    throw new UsageError(`--${name} expects a ${int ? 'non-negative integer' : 'non-negative number'}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * Parses the `tickflow` command line (node:util parseArgs, strict: unknown flags are errors).
 *
 * @param argv - the arguments after the program name
 * @returns the command, its flags and any extra words
 * @throws UsageError naming the unknown command or the bad flag
 * @example
 * ```ts
 * parseCliArgs(['topics', 'create', '--dry-run']); // { command: 'topics create', flags: { dryRun: true, … }, rest: [] }
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        'dry-run': { type: 'boolean', default: false },
        symbols: { type: 'string', short: 's' },
        'metrics-port': { type: 'string' },
        'log-level': { type: 'string' },
        source: { type: 'string' },
        file: { type: 'string' },
        speed: { type: 'string' },
        rate: { type: 'string' },
        count: { type: 'string' },
        kafka: { type: 'boolean', default: false },
        cassandra: { type: 'boolean', default: false },
        brokers: { type: 'string' },
        'contact-points': { type: 'string' },
        quotes: { type: 'boolean', default: false },
        group: { type: 'string' },
        'max-out-of-orderness': { type: 'string' },
        'from-beginning': { type: 'boolean', default: false },
        once: { type: 'boolean', default: false },
        'exit-when-idle': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const words = [...parsed.positionals];
  const first = words.shift();
  let command: CommandName;
  if (first === undefined) command = 'help';
  else if (ONE_WORD.includes(first)) command = first as CommandName;
  else if (first in TWO_WORD) {
    const second = words.shift();
    const allowed = TWO_WORD[first]!;
    if (second === undefined || !allowed.includes(second)) {
      throw new UsageError(`"${first}" needs one of: ${allowed.map((a) => `${first} ${a}`).join(', ')}${second ? ` (got "${second}")` : ''}`);
    }
    command = `${first} ${second}` as CommandName;
  } else {
    throw new UsageError(`unknown command "${first}"; commands: demo, produce, process, quotes, topics create, schemas register, cassandra init, services up|down|status, config`);
  }
  if (words.length > 0 && !command.startsWith('services ')) throw new UsageError(`unexpected argument(s) after "${command}": ${words.join(' ')}`);

  const source = v.source as string | undefined;
  if (source !== undefined && !SOURCES.includes(source)) throw new UsageError(`--source must be one of ${SOURCES.join(', ')}, got "${source}"`);
  const logLevel = v['log-level'] as string | undefined;
  if (logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`--log-level must be debug, info, warn or error, got "${logLevel}"`);

  const flags: CliFlags = {
    config: v.config as string | undefined,
    dryRun: v['dry-run'] === true,
    symbols: list(v.symbols as string | undefined),
    metricsPort: num('metrics-port', v['metrics-port'] as string | undefined, true),
    logLevel,
    source,
    file: v.file as string | undefined,
    speed: num('speed', v.speed as string | undefined, false),
    rate: num('rate', v.rate as string | undefined, false),
    count: num('count', v.count as string | undefined, true),
    kafka: v.kafka === true || v.brokers !== undefined,
    cassandra: v.cassandra === true || v['contact-points'] !== undefined,
    brokers: list(v.brokers as string | undefined),
    contactPoints: list(v['contact-points'] as string | undefined),
    quotes: v.quotes === true,
    group: v.group as string | undefined,
    maxOutOfOrdernessMs: num('max-out-of-orderness', v['max-out-of-orderness'] as string | undefined, true),
    fromBeginning: v['from-beginning'] === true,
    once: v.once === true,
    idleExitMs: num('exit-when-idle', v['exit-when-idle'] as string | undefined, true),
    help: v.help === true,
  };
  if (flags.speed === 0) throw new UsageError('--speed must be > 0');
  if (flags.rate === 0) throw new UsageError('--rate must be > 0');
  return { command, flags, rest: words };
}

/** Config overrides (dotted paths) implied by the flags; they win over file and environment. */
export function flagOverrides(flags: CliFlags): Record<string, unknown> {
  return {
    symbols: flags.symbols,
    'metrics.port': flags.metricsPort,
    logLevel: flags.logLevel,
    'kafka.brokers': flags.brokers,
    'kafka.groupId': flags.group,
    'cassandra.contactPoints': flags.contactPoints,
    'pipeline.maxOutOfOrdernessMs': flags.maxOutOfOrdernessMs,
    'demo.speed': flags.speed,
  };
}

/** The `tickflow --help` text. */
export const USAGE = `tickflow — the tickflow reference app

Usage: tickflow <command> [flags]

Commands
  demo                 offline demo (default of \`npm start\`): replayed real trades (or synthetic, or
                       Finnhub when FINNHUB_API_KEY is set) → validate → dedupe → watermark → 5m/1h bars,
                       as a live summary in the terminal. With --kafka --cassandra: the real pipeline.
  produce              Finnhub (or --source replay|synthetic|fake-finnhub) → validate → Kafka trades_raw
                       (Avro; EXCHANGE:PAIR symbols → crypto_raw; invalid → DLQ). --quotes: Yahoo → quotes_raw
  process              Kafka trades_raw → Cassandra trades_bronze → dedupe → trades_silver → watermark →
                       5m bars → trades_gold_5m → 1h rollup → trades_gold_1h (offsets committed only when safe)
  quotes               Yahoo Finance quotes → NATS (NATS_URL), Redis (REDIS_URL), --kafka quotes_raw
  topics create        create trades_raw, crypto_raw, quotes_raw and the DLQ topic (idempotent)
  schemas register     register the Avro schemas in the schema registry
  cassandra init       create the keyspace and the Bronze/Silver/Gold tables (idempotent)
  services up|down|status [names]  local Kafka, Cassandra, schema registry, … (scripts/services.mjs)
  config               print the effective configuration (secrets redacted)

Flags
  -c, --config <file>        JSON config file (default ./tickflow.config.json, or TICKFLOW_CONFIG)
      --dry-run              print to the console instead of writing to Kafka/Cassandra
  -s, --symbols <a,b,…>      symbols (TICKFLOW_SYMBOLS)
      --source <name>        auto | finnhub | replay | synthetic | fake-finnhub
      --file <path>          recording for --source replay (CSV/NDJSON)
      --speed <n>            replay pace, × real time (demo default 120)
      --rate <n>, --count <n>  synthetic trades per second / stop after n records
      --kafka [--brokers <h:p,…>]          use Kafka (KAFKA_BROKERS)
      --cassandra [--contact-points <h:p>] use Cassandra (CASSANDRA_CONTACT_POINTS)
      --quotes               produce: also poll Yahoo quotes into quotes_raw
      --group <id>           process: consumer group (KAFKA_GROUP_ID)
      --max-out-of-orderness <ms>  watermark delay (default 600000 = 10 min)
      --from-beginning       process: read topics from the start for a new group
      --once                 stop when the input ends (replay/synthetic with --count)
      --exit-when-idle <ms>  process: once the backlog is read, treat this long without input as the end:
                             flush every window, commit, exit 0
      --metrics-port <n>     /metrics, /healthz, /readyz port (default 9464, 0 = any)
      --log-level <level>    debug | info | warn | error
  -h, --help                 this text

Every setting and its environment variable: docs/guides/reference-app.md.
`;
