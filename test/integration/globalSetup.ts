/**
 * Brings up the real servers integration tests run against (see docs/guides/services.md) and
 * hands their endpoints to the tests through process.env: KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS,
 * SCHEMA_REGISTRY_URL, NATS_URL, REDIS_URL, DATABASE_URL, PROMETHEUS_URL.
 *
 * - TICKFLOW_SERVICES=kafka,cassandra starts only those; TICKFLOW_SERVICES=none starts nothing.
 * - An endpoint variable that is already set means "use that server": it is checked, not started.
 * - Servers are left running on teardown so the next run reuses them (`npm run services:down`).
 */
import type { TestProject } from 'vitest/node';
import { ensureServices, NAMES, type ServerName } from '../../scripts/services-lib.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of the servers globalSetup brought up, by server name. */
    services: Partial<Record<ServerName, string>>;
  }
}

function requested(): ServerName[] {
  const list = process.env.TICKFLOW_SERVICES?.trim();
  if (!list || list === 'all') return NAMES;
  if (list === 'none') return [];
  const names = list.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(NAMES as string[]).includes(n));
  if (unknown.length) throw new Error(`TICKFLOW_SERVICES: unknown server(s) ${unknown.join(', ')}; known: ${NAMES.join(', ')}`);
  return names as ServerName[];
}

export default async function setup(project: TestProject): Promise<void> {
  const names = requested();
  const t0 = Date.now();
  const endpoints = names.length ? await ensureServices(names) : {};
  if (names.length) console.log(`[services] ${names.join(', ')} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  project.provide('services', endpoints);
}
