import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '@tickflow/core';
import { type Config, ConfigSchema } from './ConfigSchema.js';
import { ENV_SETTINGS, type EnvSetting } from './envSettings.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Config file; default `TICKFLOW_CONFIG`, else `tickflow.config.json` in `cwd` when it exists. */
  file?: string;
  /** Working directory for the default file (default `process.cwd()`). */
  cwd?: string;
  /** Values from command-line flags, as dotted paths (`{ 'kafka.brokers': ['h:9092'] }`); they win over everything. */
  overrides?: Record<string, unknown>;
}

/** The config plus where each overridden setting came from (for error messages and `config` output). */
export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file: string | undefined;
  /** Dotted path → origin (`env KAFKA_BROKERS`, `file tickflow.config.json`, `flag --kafka`). */
  origins: Map<string, string>;
}

function parseEnvValue(s: EnvSetting, raw: string): unknown {
  const text = raw.trim();
  switch (s.kind) {
    case 'list':
      return text
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    case 'int':
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n) || (s.kind === 'int' && !Number.isInteger(n))) {
        throw new ConfigurationError(`${s.env}=${JSON.stringify(s.secret ? '[redacted]' : raw)} is not ${s.kind === 'int' ? 'an integer' : 'a number'} (sets ${s.path})`, {
          setting: s.env,
          hint: `set ${s.env} to a number, e.g. ${s.default}`,
        });
      }
      return n;
    }
    default:
      return text;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Builds the reference app's configuration: defaults, then the JSON file, then environment
 * variables ({@link ENV_SETTINGS}), then command-line overrides; validated with zod.
 *
 * @param options - environment, file and flag overrides
 * @returns the validated config and the origin of every overridden setting
 * @throws ConfigurationError naming the bad setting (its env variable, file or flag) and what is expected
 * @example
 * ```ts
 * const { config } = loadConfig({ env: { KAFKA_BROKERS: 'kafka:9092' } });
 * config.kafka.brokers; // ['kafka:9092']
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const origins = new Map<string, string>();
  let raw: Record<string, unknown> = {};

  const explicit = options.file ?? env.TICKFLOW_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : existsSync(resolve(cwd, 'tickflow.config.json')) ? resolve(cwd, 'tickflow.config.json') : undefined;
  if (file) {
    if (!existsSync(file)) {
      throw new ConfigurationError(`config file not found: ${file}`, { setting: 'TICKFLOW_CONFIG', hint: 'pass --config <file> or set TICKFLOW_CONFIG to an existing JSON file' });
    }
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigurationError(`config file ${file} is not valid JSON: ${(cause as Error).message}`, { setting: 'TICKFLOW_CONFIG', cause });
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigurationError(`config file ${file} must hold a JSON object`, { setting: 'TICKFLOW_CONFIG' });
    }
    for (const p of leafPaths(raw)) origins.set(p, `file ${file}`);
  }

  for (const s of ENV_SETTINGS) {
    const v = env[s.env];
    if (v === undefined || v.trim() === '') continue;
    setPath(raw, s.path, parseEnvValue(s, v));
    origins.set(s.path, `env ${s.env}`);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    origins.set(path, `flag for ${path}`);
  }

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    const origin = [...origins.entries()].find(([p]) => path === p || path.startsWith(`${p}.`))?.[1];
    const setting = origin?.startsWith('env ') ? origin.slice(4) : path || '(root)';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    const envName = ENV_SETTINGS.find((s) => s.path === path || path.startsWith(`${s.path}.`))?.env;
    throw new ConfigurationError(`invalid setting ${path || '(root)'}${origin ? ` (from ${origin})` : ''}: ${issue.message}${more}`, {
      setting,
      hint: envName ? `fix ${envName} or "${path}" in tickflow.config.json` : `fix "${path}" in tickflow.config.json`,
    });
  }
  return { config: parsed.data, file, origins };
}
