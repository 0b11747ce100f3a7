import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ConnectionError } from '@tickflow/core';
import { Kafka, logLevel } from 'kafkajs';

// kafkajs 2 warns once about its partitioner change; the app uses the (murmur2, Java-compatible) default.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
import type { Config } from '../config/ConfigSchema.js';
import type { Telemetry } from '../ops/createTelemetry.js';

/**
 * A kafkajs client and a schema-registry client built from the config; kafkajs logs go through
 * the app logger (warnings and errors only).
 *
 * @param config - kafka and schema registry settings
 * @param telemetry - logger
 * @returns the clients (nothing is connected yet)
 * @example
 * ```ts
 * const { kafka, registry } = kafkaClients(config, telemetry);
 * ```
 */
export function kafkaClients(config: Config, telemetry: Telemetry): { kafka: Kafka; registry: SchemaRegistry } {
  const kafka = new Kafka({
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const level = entry.level <= logLevel.ERROR ? 'error' : 'warn';
      telemetry.log(level, `kafkajs_${entry.namespace || 'client'}`, { message: entry.log.message });
    },
  });
  const registry = new SchemaRegistry({ host: config.schemaRegistry.url });
  return { kafka, registry };
}

/**
 * Connects with a clear error when the broker is not there.
 * @param what - what is being connected (for the message)
 * @param brokers - the brokers tried
 * @param connect - the connect call
 * @returns when connected
 * @throws ConnectionError naming the brokers and how to start them
 */
export async function connectOrExplain(what: string, brokers: readonly string[], connect: () => Promise<void>): Promise<void> {
  try {
    await connect();
  } catch (cause) {
    throw new ConnectionError(`cannot connect the ${what} to Kafka at ${brokers.join(',')}: ${(cause as Error).message}`, {
      cause,
      hint: 'start it with `npx tickflow services up kafka schema-registry` or set KAFKA_BROKERS',
    });
  }
}
