// Types for schema-registry.mjs (tests import it from TypeScript).
import type { Server } from 'node:http';

export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export const LEVELS: CompatibilityLevel[];

/** Checks `candidate` against `previous` (oldest first) under `level`. */
export function checkCompatibility(
  candidate: string,
  previous: string[],
  level?: CompatibilityLevel,
): { compatible: boolean; messages: string[] };

/** An HTTP server speaking the Confluent Schema Registry API; state in `storePath` (memory if omitted). */
export function createRegistryServer(storePath?: string): Server;
