import type { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { ConfigurationError, ConnectionError, quoteAvroSchema, tradeAvroSchema } from '@tickflow/core';

/**
 * One subject and the Avro schema registered under it.
 *
 * @example
 * ```ts
 * import { barAvroSchema } from '@tickflow/core';
 * import type { SchemaSubject } from '@tickflow/sinks/kafka';
 * const bars: SchemaSubject = { subject: 'bars_5m-value', schema: barAvroSchema };
 * ```
 */
export interface SchemaSubject {
  /** Subject name (TopicNameStrategy: `<topic>-value`). */
  subject: string;
  /** The Avro schema. */
  schema: object;
}

/**
 * Options of {@link registerSchemas}.
 *
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { barAvroSchema } from '@tickflow/core';
 * import { type RegisterSchemasOptions, registerSchemas } from '@tickflow/sinks/kafka';
 * const options: RegisterSchemasOptions = { compatibility: 'FULL', subjects: [{ subject: 'bars_5m-value', schema: barAvroSchema }] };
 * await registerSchemas(new SchemaRegistry({ host: 'http://127.0.0.1:8081' }), options);
 * ```
 */
export interface RegisterSchemasOptions {
  /** Compatibility mode each subject ends up with (default `'BACKWARD'`). */
  compatibility?: `${COMPATIBILITY}`;
  /** Subjects to register (default: Trade under `trades_raw-value` and `crypto_raw-value`, Quote under `quotes_raw-value`). */
  subjects?: readonly SchemaSubject[];
}

/**
 * A registered subject and its schema id.
 *
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { type RegisteredSubject, registerSchemas } from '@tickflow/sinks/kafka';
 * const registered: RegisteredSubject[] = await registerSchemas(new SchemaRegistry({ host: 'http://127.0.0.1:8081' }));
 * for (const r of registered) console.log(r.subject, r.id);
 * ```
 */
export interface RegisteredSubject {
  /** Subject name. */
  subject: string;
  /** Schema id in the registry. */
  id: number;
}

const AVRO = 'AVRO' as SchemaType.AVRO;

/**
 * The subjects of the reference pipeline: core's Avro schemas under TopicNameStrategy names.
 *
 * @internal
 */
const defaultSubjects: readonly SchemaSubject[] = [
  { subject: 'trades_raw-value', schema: tradeAvroSchema },
  { subject: 'crypto_raw-value', schema: tradeAvroSchema },
  { subject: 'quotes_raw-value', schema: quoteAvroSchema },
];

interface RegistryApi {
  Subject: { updateConfig(args: { subject: string; body: { compatibility: string } }): Promise<unknown> };
}

/**
 * Registers core's Avro schemas (Trade → `trades_raw-value` and `crypto_raw-value`, Quote →
 * `quotes_raw-value`) and sets each subject's compatibility mode. Idempotent: registering a schema
 * a subject already has returns its id; an existing subject with another mode is switched to
 * `compatibility`. A schema the mode forbids is refused with a `ConfigurationError`.
 *
 * @param registry - the caller's `@kafkajs/confluent-schema-registry` client
 * @param options - compatibility mode and subjects
 * @returns the schema id of each subject
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { registerSchemas } from '@tickflow/sinks/kafka';
 * const ids = await registerSchemas(new SchemaRegistry({ host: 'http://127.0.0.1:8081' }), { compatibility: 'BACKWARD' });
 * ```
 */
export async function registerSchemas(registry: SchemaRegistry, options: RegisterSchemasOptions = {}): Promise<RegisteredSubject[]> {
  const compatibility = (options.compatibility ?? 'BACKWARD') as COMPATIBILITY;
  const out: RegisteredSubject[] = [];
  for (const { subject, schema } of options.subjects ?? defaultSubjects) {
    const confluent = { type: AVRO, schema: JSON.stringify(schema) };
    try {
      let id: number;
      try {
        ({ id } = await registry.register(confluent, { subject, compatibility }));
      } catch (error) {
        if ((error as Error)?.name !== 'ConfluentSchemaRegistryCompatibilityError') throw error;
        // The subject exists with another mode: switch it through the client's own API, then register.
        const api = (registry as unknown as { api?: RegistryApi }).api;
        if (!api?.Subject?.updateConfig) throw error;
        await api.Subject.updateConfig({ subject, body: { compatibility } });
        ({ id } = await registry.register(confluent, { subject, compatibility }));
      }
      out.push({ subject, id });
    } catch (error) {
      const status = (error as { status?: unknown })?.status;
      const message = (error as Error)?.message ?? String(error);
      if (status === 409 || status === 422 || /incompatible|409|422/i.test(message)) {
        throw new ConfigurationError(`schema registry refused the schema for subject '${subject}': ${message}`, {
          setting: 'compatibility',
          cause: error,
          hint: `the new schema breaks ${compatibility} compatibility with the registered versions; evolve it compatibly or pick another mode`,
        });
      }
      throw new ConnectionError(`registering subject '${subject}' failed: ${message}`, { cause: error, hint: 'check that the schema registry is reachable' });
    }
  }
  return out;
}
