import type { Config } from '../config/ConfigSchema.js';
import type { Telemetry } from '../ops/createTelemetry.js';
import type { CliFlags } from './parseCliArgs.js';
import type { Shutdown } from './Shutdown.js';

/** What every command gets from the CLI. */
export interface CommandContext {
  config: Config;
  flags: CliFlags;
  /** Extra words (server names for `services`). */
  rest: string[];
  telemetry: Telemetry;
  shutdown: Shutdown;
  /** Standard output (the demo summary, dry-run records). */
  out: (line: string) => void;
}
