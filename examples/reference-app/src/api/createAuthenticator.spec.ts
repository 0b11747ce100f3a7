import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ApiConfigSchema } from './ApiConfigSchema.js';
import { createAuthenticator } from './createAuthenticator.js';

const req = (ip: string, authorization?: string) => ({ socket: { remoteAddress: ip }, headers: authorization ? { authorization } : {} }) as unknown as IncomingMessage;
const url = new URL('http://x/api/bars');

describe('createAuthenticator', () => {
  it('without auth configured lets loopback clients in and refuses others with what to set', async () => {
    const auth = createAuthenticator(ApiConfigSchema.parse({}));
    expect(auth.mode).toBe('loopback');
    expect(await auth.check(req('127.0.0.1'), url)).toMatchObject({ ok: true, client: 'ip:127.0.0.1' });
    expect(await auth.check(req('::1'), url)).toMatchObject({ ok: true });
    const refused = await auth.check(req('10.1.2.3'), url);
    expect(refused).toMatchObject({ ok: false, status: 401 });
    expect(refused.ok === false && refused.message).toContain('TICKFLOW_API_TOKEN');
  });

  it('with a token configured, loopback clients need it too; clients are keyed by token, not by IP', async () => {
    const auth = createAuthenticator(ApiConfigSchema.parse({ token: 'secret-token-1' }));
    expect((await auth.check(req('127.0.0.1'), url)).ok).toBe(false);
    const a = await auth.check(req('10.0.0.1', 'Bearer secret-token-1'), url);
    const b = await auth.check(req('10.0.0.2', 'bearer secret-token-1'), url);
    expect(a.ok && b.ok && a.client === b.client && !a.client.includes('secret')).toBe(true);
  });

  it('rejects config that is too weak to be useful', () => {
    expect(() => ApiConfigSchema.parse({ token: 'short' })).toThrow(/at least 8/);
    expect(() => ApiConfigSchema.parse({ jwtSecret: 'short' })).toThrow(/32 characters/);
    expect(() => ApiConfigSchema.parse({ jwksUrl: 'ftp://x' })).toThrow(/http/);
  });
});
