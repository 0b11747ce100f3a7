// Types for services-lib.mjs (tests import it from TypeScript).

export type ServerName = 'kafka' | 'cassandra' | 'schema-registry' | 'nats' | 'redis' | 'postgres' | 'prometheus';

export interface UpResult {
  name: ServerName;
  /** What clients use, e.g. '127.0.0.1:9092' or 'http://127.0.0.1:8081'. */
  endpoint: string;
  /** 'external': its env var was set; 'running': already answered; 'started': we started it. */
  state: 'external' | 'running' | 'started';
  /** Milliseconds until it answered. */
  ms: number;
  pid: number | null;
}

export interface ServerStatus {
  name: ServerName;
  endpoint: string;
  up: boolean;
  pid: number | null;
  rssMiB: number | null;
  log: string;
  external: boolean;
}

export const NAMES: ServerName[];
/** Server name → environment variable holding its endpoint (KAFKA_BROKERS, ...). */
export const ENV_VARS: Record<ServerName, string>;
export const ROOT: string;
export const SERVICES_DIR: string;
export const KAFKA_VERSION: string;
export const CASSANDRA_VERSION: string;
/** The --add-exports/--add-opens flags Cassandra 5.0 needs on JDK 17 (conf/jvm17-server.options). */
export const CASSANDRA_JDK17_FLAGS: string[];

export function pidFile(name: ServerName): string;
export function logFile(name: ServerName): string;
/** The endpoint clients should use: the override variable when set, else the local default. */
export function endpointOf(name: ServerName): string;
/** Pid of the local server: from its pid file, else the server process listening on its port; or null. */
export function pidOf(name: ServerName): number | null;
export function rssMiB(pid: number): number | null;
/** Polls the server's client round-trip until it answers (rejects after timeoutMs). */
export function waitReady(name: ServerName, opts?: { timeoutMs?: number; pid?: number | null }): Promise<string>;
export function installServers(names?: ServerName[], opts?: { log?: (line: string) => void }): void;
export function upServices(names?: ServerName[], opts?: { log?: (line: string) => void }): Promise<UpResult[]>;
/** Brings up `names` (default all), sets their env vars, resolves to { name: endpoint }. */
export function ensureServices(
  names?: ServerName[],
  opts?: { log?: (line: string) => void; setEnv?: boolean },
): Promise<Partial<Record<ServerName, string>>>;
/** Starts one server if it does not answer, and waits until it does. */
export function startServer(name: ServerName): Promise<UpResult>;
/** Stops a server we started: SIGTERM (postgres: SIGINT), wait, then SIGKILL. */
export function stopServer(name: ServerName, opts?: { timeoutMs?: number }): Promise<boolean>;
/** Signals a server we started; SIGKILL kills its process group and waits. Resolves to its pid. */
export function killServer(name: ServerName, signal?: NodeJS.Signals): Promise<number | null>;
export function downServices(names?: ServerName[]): Promise<{ name: ServerName; stopped: boolean }[]>;
export function statusServices(names?: ServerName[]): Promise<ServerStatus[]>;
