import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../cli/CommandContext.js';
import { cassandraInit } from './cassandraInit.js';
import { schemasRegister } from './schemasRegister.js';
import { topicsCreate } from './topicsCreate.js';

/**
 * `tickflow demo --kafka --cassandra`: the real pipeline on one machine. Creates topics, registers
 * schemas, creates the tables, then runs `produce` (the demo's source) and `process` as two child
 * processes, exactly as they run in production (the processor serves the dashboard on its port);
 * Ctrl-C stops both gracefully.
 *
 * @param ctx - command context
 * @returns when both children have exited
 * @example
 * ```ts
 * await fullPipelineDemo(ctx);
 * ```
 */
export async function fullPipelineDemo(ctx: CommandContext): Promise<void> {
  if (!(ctx.flags.kafka && ctx.flags.cassandra)) {
    throw new Error('the real pipeline needs both Kafka and Cassandra: pass --kafka --cassandra (start them with `npx tickflow services up kafka schema-registry cassandra`)');
  }
  await topicsCreate(ctx);
  await schemasRegister(ctx);
  await cassandraInit(ctx);
  const bin = fileURLToPath(new URL('../../bin/tickflow.mjs', import.meta.url));
  const pass = [...(ctx.flags.source ? ['--source', ctx.flags.source] : []), ...(ctx.flags.speed ? ['--speed', String(ctx.flags.speed)] : [])];
  const env = { ...process.env, KAFKA_BROKERS: ctx.config.kafka.brokers.join(','), CASSANDRA_CONTACT_POINTS: ctx.config.cassandra.contactPoints.join(',') };
  const port = ctx.config.metrics.port;
  const children: ChildProcess[] = [
    spawn(process.execPath, [bin, 'produce', ...pass, '--metrics-port', String(port)], { stdio: 'inherit', env }),
    spawn(process.execPath, [bin, 'process', '--metrics-port', String(port === 0 ? 0 : port + 1)], { stdio: 'inherit', env }),
  ];
  ctx.out(`demo: producer and processor running (metrics on :${port} and :${port === 0 ? 0 : port + 1}); the processor prints its dashboard URL; Ctrl-C stops both`);
  const exited = children.map((c) => new Promise<number>((r) => c.on('exit', (code) => r(code ?? 1))));
  ctx.shutdown.add('stop producer and processor', async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
    await Promise.all(exited);
  });
  const codes = await Promise.race([Promise.all(exited), ctx.shutdown.requested().then(() => Promise.all(exited))]);
  if (codes.some((c) => c !== 0)) process.exitCode = 1;
}
