/**
 * Kafka as a source (kafkajs), with Avro/JSON decoding and commits after downstream acks.
 *
 * @module @tickflow/sources/kafka
 */
export { type AvroDecoderOptions, avroDecoder } from './avroDecoder.js';
export { jsonDecoder } from './jsonDecoder.js';
export type { KafkaRecord, KafkaRecordRef } from './KafkaRecord.js';
export type { KafkaCommitPoint, KafkaInvalidMessage, KafkaSource, KafkaSourceControls, KafkaSourceOptions } from './KafkaSourceOptions.js';
export type { KafkaValueDecoder } from './KafkaValueDecoder.js';
export { kafkaSource } from './kafkaSource.js';
