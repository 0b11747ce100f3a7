import type { Config } from '../config/ConfigSchema.js';
import type { Telemetry } from './createTelemetry.js';
import { type OpsServer, startOpsServer } from './startOpsServer.js';

/**
 * Starts the ops server on the configured port; when that port is taken (another tickflow is
 * running) the demo still starts, on a free port, with a warning.
 *
 * @param config - metrics host and port
 * @param telemetry - registry and logger
 * @param ready - readiness check for /readyz
 * @param fallback - allow a free port when the configured one is busy (demo only)
 * @returns the running server
 * @example
 * ```ts
 * const ops = await startOpsServerWithFallback(config, telemetry, () => true, true);
 * ```
 */
export async function startOpsServerWithFallback(config: Config, telemetry: Telemetry, ready: () => true | string, fallback: boolean): Promise<OpsServer> {
  try {
    return await startOpsServer({ host: config.metrics.host, port: config.metrics.port, registry: telemetry.registry, ready });
  } catch (error) {
    if (!fallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const ops = await startOpsServer({ host: config.metrics.host, port: 0, registry: telemetry.registry, ready });
    telemetry.log('warn', 'metrics_port_busy', { wanted: config.metrics.port, using: ops.port });
    return ops;
  }
}
