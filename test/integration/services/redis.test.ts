import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

describe('redis (services:up)', () => {
  it('sets and gets a key with a TTL', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const key = `services-test:${randomUUID()}`;
      expect(await redis.set(key, '187.5', 'PX', 300)).toBe('OK');
      expect(await redis.get(key)).toBe('187.5');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
      await new Promise((r) => setTimeout(r, 400));
      expect(await redis.get(key)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
