import type { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { ConfigurationError, ConnectionError, toAvroRecord, tradeAvroSchema, ValidationError } from '@tickflow/core';
import type avro from 'avsc';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';

/**
 * Options of {@link avroEncoder}.
 *
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { quoteAvroSchema } from '@tickflow/core';
 * import { type AvroEncoderOptions, avroEncoder } from '@tickflow/sinks/kafka';
 * const options: AvroEncoderOptions = { registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }), schema: quoteAvroSchema, compatibility: 'BACKWARD' };
 * const encoder = avroEncoder(options);
 * ```
 */
export interface AvroEncoderOptions {
  /** A `@kafkajs/confluent-schema-registry` client (the caller's). */
  registry: SchemaRegistry;
  /** The Avro schema of the values, or one per topic (default core's `tradeAvroSchema`). */
  schema?: object | ((topic: string) => object);
  /** Subject of a topic's values (default TopicNameStrategy: `${topic}-value`). */
  subject?: (topic: string) => string;
  /** Register the schema when the subject does not have it yet (default true). */
  autoRegister?: boolean;
  /** Compatibility mode set when auto-registering a new subject (default `'BACKWARD'`). */
  compatibility?: `${COMPATIBILITY}`;
}

interface Prepared {
  header: Buffer;
  type: avro.Type;
}

const AVRO = 'AVRO' as SchemaType.AVRO;

/**
 * A {@link KafkaValueEncoder} writing Avro values in the Confluent wire format: magic byte 0,
 * 4-byte big-endian schema id, Avro binary body. The schema id is looked up (or registered) once
 * per topic through the registry client; records are then encoded synchronously with the very
 * avsc type the registry client itself uses, so the bytes equal `registry.encode(id, record)`.
 * Optional fields that are `undefined` are written as Avro `null`.
 *
 * @param options - registry, schema, subject naming and registration behaviour
 * @returns the encoder
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { avroEncoder } from '@tickflow/sinks/kafka';
 * const encoder = avroEncoder({ registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }) });
 * ```
 */
export function avroEncoder<T extends object = Record<string, unknown>>(options: AvroEncoderOptions): KafkaValueEncoder<T> {
  const { registry } = options;
  const schemaOf = typeof options.schema === 'function' ? options.schema : () => (options.schema as object | undefined) ?? tradeAvroSchema;
  const subjectOf = options.subject ?? ((topic: string) => `${topic}-value`);
  const autoRegister = options.autoRegister ?? true;
  const compatibility = options.compatibility ?? 'BACKWARD';
  const ready = new Map<string, Prepared>();
  const pending = new Map<string, Promise<void>>();

  async function resolve(topic: string): Promise<void> {
    const subject = subjectOf(topic);
    const confluent = { type: AVRO, schema: JSON.stringify(schemaOf(topic)) };
    let id: number;
    try {
      id = await registry.getRegistryIdBySchema(subject, confluent);
    } catch (error) {
      if (!isNotFound(error)) throw registryError(`looking up the schema of subject '${subject}'`, error);
      if (!autoRegister) {
        throw new ConfigurationError(`subject '${subject}' does not have this schema registered`, {
          setting: 'schema',
          hint: 'register it first (registerSchemas) or pass autoRegister: true',
          cause: error,
        });
      }
      try {
        ({ id } = await registry.register(confluent, { subject, compatibility: compatibility as COMPATIBILITY }));
      } catch (e) {
        throw registryError(`registering the schema under subject '${subject}'`, e);
      }
    }
    const type = (await registry.getSchema(id)) as unknown as avro.Type;
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    ready.set(topic, { header, type });
  }

  return {
    format: 'avro',
    prepare(topic: string) {
      if (ready.has(topic)) return undefined;
      let p = pending.get(topic);
      if (!p) {
        p = resolve(topic).finally(() => pending.delete(topic));
        pending.set(topic, p);
      }
      return p;
    },
    encode(record: T, topic: string): Buffer {
      const prepared = ready.get(topic);
      if (!prepared) throw new ConfigurationError(`avroEncoder.encode called for topic '${topic}' before prepare() settled`);
      const value = toAvroRecord(prepared.type, record);
      let body: Buffer;
      try {
        body = prepared.type.toBuffer(value);
      } catch (error) {
        throw new ValidationError(`record does not match Avro schema ${prepared.type.name ?? ''}: ${invalidPaths(prepared.type, value)}`, {
          input: record,
          cause: error,
        });
      }
      return Buffer.concat([prepared.header, body], 5 + body.length);
    },
  };
}

function invalidPaths(type: avro.Type, value: unknown): string {
  const out: string[] = [];
  type.isValid(value, {
    errorHook: (path, v) => {
      if (out.length < 5) out.push(`${path.join('.') || '(root)'} = ${safeString(v)}`);
    },
  });
  return out.length ? `invalid ${out.join(', ')}` : 'value rejected by avsc';
}

function safeString(v: unknown): string {
  try {
    const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  } catch {
    return typeof v;
  }
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { status?: unknown; name?: unknown; message?: unknown };
  if (e.status === 404) return true;
  return e.name === 'ConfluentSchemaRegistryError' && typeof e.message === 'string' && /not found|40401|40403/i.test(e.message);
}

function registryError(what: string, error: unknown): Error {
  if (error instanceof ConfigurationError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ConfigurationError(`schema registry refused ${what}: ${message}`, {
      setting: 'schema',
      cause: error,
      hint: 'check the schema and the subject compatibility mode',
    });
  }
  return new ConnectionError(`schema registry failed while ${what}: ${message}`, {
    cause: error,
    hint: 'check that the schema registry is reachable',
  });
}
