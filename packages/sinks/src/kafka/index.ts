/**
 * Kafka sink (kafkajs) with Avro in the Confluent wire format, dead letters, topics and schema registration.
 *
 * @module @tickflow/sinks/kafka
 */
export type { KafkaAckMeta } from './KafkaAckMeta.js';
export type { KafkaDeadLetter, KafkaSinkOptions } from './KafkaSinkOptions.js';
export type { KafkaDeliveryReport, KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';
export type { KafkaTopicSpec } from './KafkaTopicSpec.js';
export type { KafkaValueEncoder } from './KafkaValueEncoder.js';
export { defaultTopics } from './defaultTopics.js';
export { jsonEncoder } from './jsonEncoder.js';
export { kafkaSink } from './kafkaSink.js';
export { type AvroEncoderOptions, avroEncoder } from './avroEncoder.js';
export { type EnsureTopicsResult, ensureTopics } from './ensureTopics.js';
export { type KafkajsProducerAdapterOptions, kafkajsProducerAdapter } from './kafkajsProducerAdapter.js';
export { type RegisteredSubject, type RegisterSchemasOptions, registerSchemas, type SchemaSubject } from './registerSchemas.js';
export { trackingPartitioner } from './trackingPartitioner.js';
