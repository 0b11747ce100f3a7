import { z } from 'zod';

/**
 * The `api` section of the reference-app config: who may read `/api/*` and how fast.
 *
 * Auth is chosen by what is set (see docs/adr/0080-api-auth.md):
 * - `jwtSecret` (HS256) or `jwksUrl` (RS256/ES256… keys fetched and cached by `jose`): a JWT bearer token;
 * - `token`: a static bearer token (the demo's simple option);
 * - nothing: anonymous read, but only from the loopback interface (127.0.0.1 / ::1).
 *
 * @example
 * ```ts
 * const api = ApiConfigSchema.parse({ token: 'demo-token', ratePerSecond: 20 });
 * api.burst; // 40
 * ```
 */
export const ApiConfigSchema = z
  .object({
    /** Static bearer token (at least 8 characters). */
    token: z.string().min(8, 'api.token must be at least 8 characters').optional(),
    /** HS256 secret the JWTs are signed with (at least 32 characters). */
    jwtSecret: z.string().min(32, 'api.jwtSecret must be at least 32 characters (256 bits)').optional(),
    /** JWKS URL whose keys verify the JWTs. */
    jwksUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'expected an http(s) URL').optional(),
    /** Required `iss` claim, when set. */
    jwtIssuer: z.string().min(1).optional(),
    /** Required `aud` claim, when set. */
    jwtAudience: z.string().min(1).optional(),
    /** Sustained requests per second per client (token subject or IP). */
    ratePerSecond: z.number().positive().default(20),
    /** Bucket size: requests a client may make at once. */
    burst: z.number().int().min(1).default(40),
  })
  .strict();

/** The validated `api` config section. */
export type ApiConfig = z.infer<typeof ApiConfigSchema>;
