import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { ApiConfig } from './ApiConfigSchema.js';

/** Result of {@link createAuthenticator}'s check: the client (rate-limit key) or why it was refused. */
export type AuthResult = { ok: true; client: string; mode: AuthMode } | { ok: false; status: 401; message: string };

/** How the API authenticates: `jwt`, `token`, `jwt+token`, or `loopback` (anonymous, 127.0.0.1 only). */
export type AuthMode = 'jwt' | 'token' | 'jwt+token' | 'loopback';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Builds the request check of the query API from the `api` config. The token comes from
 * `Authorization: Bearer <token>` or, for `EventSource` (which cannot send headers), from the
 * `access_token` query parameter. JWTs are verified with `jose` (signature, `exp`/`nbf`, and
 * `iss`/`aud` when configured); a static token is compared in constant time. With no auth
 * configured only loopback clients are let in (docs/adr/0080-api-auth.md).
 *
 * @param config - the `api` config section
 * @param options - `getKey` replaces the JWKS fetcher (tests)
 * @returns the mode and an async check returning the client id or a 401 with a reason
 * @example
 * ```ts
 * const auth = createAuthenticator(ApiConfigSchema.parse({ token: 'demo-token' }));
 * auth.mode; // 'token'
 * // const r = await auth.check(req, url); r.ok ? r.client : r.message
 * ```
 */
export function createAuthenticator(
  config: ApiConfig,
  options: { getKey?: JWTVerifyGetKey } = {},
): { mode: AuthMode; check: (req: IncomingMessage, url: URL) => Promise<AuthResult> } {
  const staticHash = config.token === undefined ? undefined : sha256(config.token);
  let key: Uint8Array | JWTVerifyGetKey | undefined;
  if (config.jwtSecret !== undefined) key = new TextEncoder().encode(config.jwtSecret);
  else if (options.getKey) key = options.getKey;
  else if (config.jwksUrl !== undefined) key = createRemoteJWKSet(new URL(config.jwksUrl));
  const jwt = key !== undefined;
  const mode: AuthMode = jwt && staticHash ? 'jwt+token' : jwt ? 'jwt' : staticHash ? 'token' : 'loopback';
  const verifyOptions = {
    ...(config.jwtSecret !== undefined ? { algorithms: ['HS256'] } : {}),
    ...(config.jwtIssuer !== undefined ? { issuer: config.jwtIssuer } : {}),
    ...(config.jwtAudience !== undefined ? { audience: config.jwtAudience } : {}),
  };

  const check = async (req: IncomingMessage, url: URL): Promise<AuthResult> => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (mode === 'loopback') {
      if (LOOPBACK.has(ip)) return { ok: true, client: `ip:${ip}`, mode };
      return { ok: false, status: 401, message: 'anonymous access is allowed from 127.0.0.1 only; set TICKFLOW_API_TOKEN or TICKFLOW_API_JWT_SECRET and send Authorization: Bearer <token>' };
    }
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) return { ok: false, status: 401, message: 'malformed Authorization header; expected "Bearer <token>"' };
      token = m[1];
    } else {
      token = url.searchParams.get('access_token') ?? undefined;
    }
    if (!token) return { ok: false, status: 401, message: 'missing token: send Authorization: Bearer <token> (or ?access_token= for EventSource)' };
    if (staticHash !== undefined && timingSafeEqual(sha256(token), staticHash)) {
      return { ok: true, client: `token:${sha256(token).toString('hex').slice(0, 12)}`, mode };
    }
    if (key !== undefined && token.split('.').length === 3) {
      try {
        const { payload } =
          typeof key === 'function' ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
        return { ok: true, client: `sub:${payload.sub ?? sha256(token).toString('hex').slice(0, 12)}`, mode };
      } catch (e) {
        return { ok: false, status: 401, message: `invalid token: ${(e as Error).message}` };
      }
    }
    return { ok: false, status: 401, message: 'invalid token' };
  };
  return { mode, check };
}
