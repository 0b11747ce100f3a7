import { ConfigurationError } from '@tickflow/core';
import {
  DiscardPolicy,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from 'nats';

/**
 * Options of {@link ensureStream}: the stream and its retention settings.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { type EnsureStreamOptions, ensureStream } from '@tickflow/sinks/nats';
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const options: EnsureStreamOptions = {
 *   name: 'MARKET',
 *   subjects: ['data.market.>'],
 *   maxAgeMs: 7 * 24 * 3600_000, // a week
 *   maxMsgsPerSubject: 10_000,
 *   storage: 'file',
 *   replicas: 1,
 * };
 * await ensureStream(nc, options);
 * ```
 */
export interface EnsureStreamOptions {
  /** Stream name (letters, digits, `-`, `_`). */
  name: string;
  /** Subjects the stream captures (wildcards allowed), e.g. `['data.market.>']`. */
  subjects: string[];
  /** Drop messages older than this, ms (default 0 = no age limit). */
  maxAgeMs?: number;
  /** Same as `maxAgeMs` (ms). */
  maxAge?: number;
  /** Keep at most this many messages (default -1 = unlimited). */
  maxMsgs?: number;
  /** Keep at most this many bytes (default -1 = unlimited). */
  maxBytes?: number;
  /** Keep at most this many messages per subject (default -1 = unlimited). */
  maxMsgsPerSubject?: number;
  /** How long a `Nats-Msg-Id` is remembered for de-duplication, ms (default 120000, the server default). */
  duplicateWindowMs?: number;
  /** Same as `duplicateWindowMs` (ms). */
  duplicateWindow?: number;
  /** `'limits'` (default), `'interest'` or `'workqueue'`. Cannot be changed on an existing stream. */
  retention?: 'limits' | 'interest' | 'workqueue';
  /** `'file'` (default) or `'memory'`. Cannot be changed on an existing stream. */
  storage?: 'file' | 'memory';
  /** What to do when a limit is hit: `'old'` drops the oldest (default), `'new'` rejects new messages. */
  discard?: 'old' | 'new';
  /** Replicas (default 1; 3 in a clustered production setup). */
  replicas?: number;
}

const RETENTION = { limits: RetentionPolicy.Limits, interest: RetentionPolicy.Interest, workqueue: RetentionPolicy.Workqueue };
const STORAGE = { file: StorageType.File, memory: StorageType.Memory };
const DISCARD = { old: DiscardPolicy.Old, new: DiscardPolicy.New };

const isNotFound = (e: unknown) => {
  const err = e as { code?: string; api_error?: { err_code?: number }; message?: string };
  return err?.code === '404' || err?.api_error?.err_code === 10059 || /stream not found/i.test(err?.message ?? '');
};

/**
 * Creates a JetStream stream, or updates an existing one whose subjects or limits differ, so a
 * deploy can call it every start. Retention, storage and replicas of an existing stream cannot
 * change: a mismatch there is a `ConfigurationError`.
 *
 * @param jsm - a `JetStreamManager` (`await nc.jetstreamManager()`) or a `NatsConnection`
 * @param options - name, subjects and retention settings
 * @returns the stream's info after the change
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { ensureStream } from '@tickflow/sinks/nats';
 *
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const info = await ensureStream(nc, {
 *   name: 'MARKET', subjects: ['data.market.>'], maxAgeMs: 24 * 3600_000, duplicateWindowMs: 120_000,
 * });
 * console.log(info.state.messages);
 * ```
 */
export async function ensureStream(jsm: JetStreamManager | NatsConnection, options: EnsureStreamOptions): Promise<StreamInfo> {
  if (!options.name || /[\s.*>]/.test(options.name)) {
    throw new ConfigurationError(`stream name "${options.name}" is invalid`, { setting: 'name', hint: 'use letters, digits, - and _' });
  }
  if (!options.subjects?.length) {
    throw new ConfigurationError('ensureStream needs at least one subject', { setting: 'subjects', hint: "e.g. subjects: ['data.market.>']" });
  }
  const manager = 'jetstreamManager' in jsm && typeof jsm.jetstreamManager === 'function' ? await jsm.jetstreamManager() : (jsm as JetStreamManager);
  const limits = {
    subjects: options.subjects,
    max_age: nanos(options.maxAgeMs ?? options.maxAge ?? 0),
    max_msgs: options.maxMsgs ?? -1,
    max_bytes: options.maxBytes ?? -1,
    max_msgs_per_subject: options.maxMsgsPerSubject ?? -1,
    duplicate_window: nanos(options.duplicateWindowMs ?? options.duplicateWindow ?? 120_000),
    discard: DISCARD[options.discard ?? 'old'],
  };
  const fixed = {
    retention: RETENTION[options.retention ?? 'limits'],
    storage: STORAGE[options.storage ?? 'file'],
    num_replicas: options.replicas ?? 1,
  };
  let existing: StreamInfo;
  try {
    existing = await manager.streams.info(options.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return manager.streams.add({ name: options.name, ...fixed, ...limits } as Partial<StreamConfig>);
  }
  const cfg = existing.config;
  for (const key of ['retention', 'storage', 'num_replicas'] as const) {
    if (cfg[key] !== fixed[key]) {
      throw new ConfigurationError(`stream ${options.name} exists with ${key}=${String(cfg[key])}, asked for ${String(fixed[key])}`, {
        setting: key,
        hint: 'these cannot change on an existing stream: delete and recreate it, or match its settings',
      });
    }
  }
  const differs =
    cfg.subjects.length !== limits.subjects.length ||
    cfg.subjects.some((s, i) => s !== limits.subjects[i]) ||
    cfg.max_age !== limits.max_age ||
    cfg.max_msgs !== limits.max_msgs ||
    cfg.max_bytes !== limits.max_bytes ||
    cfg.max_msgs_per_subject !== limits.max_msgs_per_subject ||
    cfg.duplicate_window !== limits.duplicate_window ||
    cfg.discard !== limits.discard;
  if (!differs) return existing;
  return manager.streams.update(options.name, { ...cfg, ...limits });
}
