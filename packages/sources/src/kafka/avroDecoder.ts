import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ConnectionError, fromAvroRecord, ValidationError } from '@tickflow/core';
import avro from 'avsc';
import type { KafkaValueDecoder } from './KafkaValueDecoder.js';

/**
 * Options of {@link avroDecoder}.
 *
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { type AvroDecoderOptions, avroDecoder } from '@tickflow/sources/kafka';
 * const options: AvroDecoderOptions = {
 *   registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }),
 *   // Read only the fields this consumer needs, whatever the writer schema's version.
 *   readerSchema: {
 *     type: 'record',
 *     name: 'Trade',
 *     namespace: 'tickflow',
 *     fields: [
 *       { name: 'symbol', type: 'string' },
 *       { name: 'price', type: 'double' },
 *     ],
 *   },
 * };
 * const decoder = avroDecoder<{ symbol: string; price: number }>(options);
 * ```
 */
export interface AvroDecoderOptions {
  /** A `@kafkajs/confluent-schema-registry` client (the caller's). */
  registry: SchemaRegistry;
  /** Decode into this schema (Avro schema resolution from each writer schema); default: the writer schema. */
  readerSchema?: object;
}

/**
 * A {@link KafkaValueDecoder} for the Confluent wire format: checks magic byte 0, reads the 4-byte
 * big-endian schema id, fetches that schema from the registry once (then decodes synchronously),
 * and decodes the Avro body into a plain object (`null` optional fields dropped, like core's
 * `fromAvroRecord`). A wrong magic byte, an id the registry does not know, or a truncated or
 * over-long body is a `ValidationError`; an unreachable registry is a retriable `ConnectionError`.
 *
 * @param options - registry client and optional reader schema
 * @returns the decoder
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { avroDecoder } from '@tickflow/sources/kafka';
 * const decoder = avroDecoder({ registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }) });
 * ```
 */
export function avroDecoder<T = Record<string, unknown>>(options: AvroDecoderOptions): KafkaValueDecoder<T> {
  const { registry } = options;
  const reader = options.readerSchema ? avro.Type.forSchema(options.readerSchema as avro.Schema) : undefined;
  const readers = new Map<number, (body: Buffer) => unknown>();

  const readerFor = async (id: number) => {
    let writer: avro.Type;
    try {
      writer = (await registry.getSchema(id)) as unknown as avro.Type;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      const status = (error as { status?: unknown })?.status;
      if (status === 404 || /not found|40403/i.test(message)) {
        throw new ValidationError(`unknown schema id ${id}: the registry does not have it`, { field: 'schemaId', cause: error });
      }
      throw new ConnectionError(`fetching schema id ${id} from the registry failed: ${message}`, {
        cause: error,
        hint: 'check that the schema registry is reachable',
      });
    }
    let read: (body: Buffer) => unknown;
    if (reader && !reader.equals(writer)) {
      const resolver = reader.createResolver(writer);
      read = (body) => reader.fromBuffer(body, resolver);
    } else {
      read = (body) => writer.fromBuffer(body);
    }
    readers.set(id, read);
    return read;
  };

  const decodeBody = (read: (body: Buffer) => unknown, id: number, body: Buffer): T => {
    try {
      return fromAvroRecord<T>(read(body));
    } catch (error) {
      throw new ValidationError(`Avro body does not decode with schema id ${id}: ${(error as Error).message}`, { cause: error });
    }
  };

  return {
    format: 'avro',
    decode(value: Buffer | null): T | Promise<T> {
      if (value === null) throw new ValidationError('value is null (a tombstone), expected Confluent-framed Avro');
      if (value.length < 5) throw new ValidationError(`value is ${value.length} bytes, too short for the Confluent wire format (>= 5)`);
      if (value[0] !== 0) throw new ValidationError(`wrong magic byte ${value[0]}, expected 0 (Confluent wire format)`, { field: 'magic' });
      const id = value.readInt32BE(1);
      const body = value.subarray(5);
      const read = readers.get(id);
      if (read) return decodeBody(read, id, body);
      return readerFor(id).then((r) => decodeBody(r, id, body));
    },
  };
}
