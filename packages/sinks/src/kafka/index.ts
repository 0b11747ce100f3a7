export { type AvroEncoderOptions, avroEncoder } from './avroEncoder.js';
export type { KafkaDeliveryReport, KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';
export type { KafkaAckMeta, KafkaDeadLetter, KafkaSinkOptions } from './KafkaSinkOptions.js';
export type { KafkaValueEncoder } from './KafkaValueEncoder.js';
export { type KafkajsProducerAdapterOptions, kafkajsProducerAdapter } from './kafkajsProducerAdapter.js';
export { jsonEncoder } from './jsonEncoder.js';
export { kafkaSink } from './kafkaSink.js';
