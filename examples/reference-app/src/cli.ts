import { ConfigurationError, redactSecrets, TickflowError } from '@tickflow/core';
import type { CommandContext } from './cli/CommandContext.js';
import { flagOverrides, parseCliArgs, USAGE, UsageError } from './cli/parseCliArgs.js';
import { Shutdown } from './cli/Shutdown.js';
import { loadConfig } from './config/loadConfig.js';
import { createTelemetry } from './ops/createTelemetry.js';

/**
 * Runs the `tickflow` CLI: parses the command line, loads the config, runs the command and exits
 * (0 on success and after a graceful SIGINT/SIGTERM, 1 on failure, 2 on a usage or config error).
 *
 * @param argv - arguments after the program name
 * @returns when the command has finished (long-running commands end through their shutdown)
 * @example
 * ```ts
 * await main(['demo', '--once']);
 * ```
 */
export async function main(argv: readonly string[]): Promise<void> {
  // `tickflow demo | head` closes the pipe early: that is a normal end, not a crash.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    process.stderr.write(`tickflow: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.command === 'help' || args.flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  let ctx: CommandContext;
  try {
    const { config } = loadConfig({ file: args.flags.config, overrides: flagOverrides(args.flags) });
    const shutdown = new Shutdown();
    shutdown.listen();
    ctx = {
      config,
      flags: args.flags,
      rest: args.rest,
      telemetry: createTelemetry({ logLevel: config.logLevel }),
      shutdown,
      out: (line) => process.stdout.write(`${line}\n`),
    };
  } catch (e) {
    fail(e);
  }
  try {
    await run(args.command, ctx);
  } catch (e) {
    fail(e);
  }
  // A signal arrived: the command returned as soon as shutdown began; wait for its steps (drain,
  // commit, close) and exit with their result.
  if (ctx.shutdown.stopping) process.exit(await ctx.shutdown.run());
}

async function run(command: ReturnType<typeof parseCliArgs>['command'], ctx: CommandContext): Promise<void> {
  switch (command) {
      case 'config':
        ctx.out(JSON.stringify(redactSecrets(ctx.config), null, 2));
        return;
      case 'demo':
        await (await import('./commands/demo.js')).demo(ctx);
        return;
      case 'produce':
        await (await import('./commands/produce.js')).produce(ctx);
        return;
      case 'process':
        await (await import('./commands/processCommand.js')).processCommand(ctx);
        return;
      case 'quotes':
        await (await import('./commands/quotes.js')).quotes(ctx);
        return;
      case 'topics create':
        await (await import('./commands/topicsCreate.js')).topicsCreate(ctx);
        return;
      case 'schemas register':
        await (await import('./commands/schemasRegister.js')).schemasRegister(ctx);
        return;
      case 'cassandra init':
        await (await import('./commands/cassandraInit.js')).cassandraInit(ctx);
        return;
      case 'services up':
      case 'services down':
      case 'services status':
        await (await import('./commands/services.js')).services(ctx, command.split(' ')[1] as 'up' | 'down' | 'status');
        return;
  }
}

function fail(e: unknown): never {
  if (e instanceof UsageError) {
    process.stderr.write(`tickflow: ${e.message}\n`);
    process.exit(2);
  }
  const err = e as Error;
  const message = redactSecrets(err?.message ?? String(e));
  if (e instanceof ConfigurationError) {
    process.stderr.write(`tickflow: configuration error${e.setting ? ` (${e.setting})` : ''}: ${message}\n`);
    process.exit(2);
  }
  const code = e instanceof TickflowError ? ` [${e.code}]` : '';
  process.stderr.write(`tickflow: ${message}${code}\n`);
  if (process.env.TICKFLOW_DEBUG) process.stderr.write(`${redactSecrets(err?.stack ?? '')}\n`);
  process.exit(1);
}
