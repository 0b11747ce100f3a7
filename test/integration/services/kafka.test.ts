import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';

const brokers = process.env.KAFKA_BROKERS!.split(',');

describe('kafka (services:up)', () => {
  const kafka = new Kafka({ clientId: 'services-test', brokers, logLevel: logLevel.WARN });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `services-test-${randomUUID()}` });

  afterAll(async () => {
    await producer.disconnect();
    await consumer.disconnect();
  });

  it('produces and consumes a message', async () => {
    const topic = `services-test-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'AAPL', value: JSON.stringify({ price: 187.5 }) }] });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
      });
    });
    expect(received).toEqual({ key: 'AAPL', value: '{"price":187.5}' });
  });
});
