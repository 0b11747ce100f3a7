import { ensureSchema } from '@tickflow/sinks/cassandra';
import type { CommandContext } from '../cli/CommandContext.js';
import { checkpointTableCql } from '../cassandra/checkpoints.js';
import { connectCassandra } from '../cassandra/connectCassandra.js';

/**
 * `tickflow cassandra init`: creates the keyspace, the Bronze/Silver/Gold tables (with their TTLs)
 * and the processor's checkpoint table, idempotently.
 * @param ctx - command context
 * @returns when done
 * @example
 * ```ts
 * await cassandraInit(ctx);
 * ```
 */
export async function cassandraInit(ctx: CommandContext): Promise<void> {
  const { keyspace, replicationFactor } = ctx.config.cassandra;
  if (ctx.flags.dryRun) {
    ctx.out(`would ensure keyspace ${keyspace} (SimpleStrategy ${replicationFactor}), its four tables and processor_checkpoints`);
    return;
  }
  const client = await connectCassandra(ctx.config);
  try {
    const r = await ensureSchema(client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: replicationFactor } });
    await client.execute(checkpointTableCql(keyspace));
    ctx.out(`cassandra: ${JSON.stringify(r)}; processor_checkpoints ready`);
  } finally {
    await client.shutdown();
  }
}
