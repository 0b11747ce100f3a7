import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, StringCodec } from 'nats';
import { describe, expect, it } from 'vitest';

describe('nats with JetStream (services:up)', () => {
  it('publishes to a stream and consumes the message', async () => {
    const nc = await connect({ servers: process.env.NATS_URL! });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `SERVICES_TEST_${randomUUID().replaceAll('-', '')}`;
      const subject = `services.test.${stream}`;
      await jsm.streams.add({ name: stream, subjects: [subject] });
      const sc = StringCodec();
      const js = nc.jetstream();
      const ack = await js.publish(subject, sc.encode('AAPL 187.5'));
      expect(ack.stream).toBe(stream);
      expect(ack.seq).toBe(1);

      await jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
      const consumer = await js.consumers.get(stream, 'reader');
      const msg = await consumer.next({ expires: 5000 });
      expect(msg && sc.decode(msg.data)).toBe('AAPL 187.5');
      msg?.ack();
      await jsm.streams.delete(stream);
    } finally {
      await nc.close();
    }
  });
});
