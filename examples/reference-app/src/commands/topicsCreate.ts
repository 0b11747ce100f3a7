import { defaultTopics, ensureTopics, type KafkaTopicSpec } from '@tickflow/sinks/kafka';
import type { CommandContext } from '../cli/CommandContext.js';
import type { Config } from '../config/ConfigSchema.js';
import { connectOrExplain, kafkaClients } from '../kafka/connectKafka.js';

/**
 * The topics of the original design under the configured names: trades (10 partitions, 7 days),
 * quotes (5, 1 day), crypto (5, 7 days) and the dead-letter topic.
 * @param config - topic names
 * @returns the topic specs
 * @example
 * ```ts
 * appTopics(config).map((t) => t.topic); // ['trades_raw', 'quotes_raw', 'crypto_raw', 'trades_dlq']
 * ```
 */
export function appTopics(config: Config): KafkaTopicSpec[] {
  const names: Record<string, string> = {
    trades_raw: config.kafka.topics.trades,
    quotes_raw: config.kafka.topics.quotes,
    crypto_raw: config.kafka.topics.crypto,
    trades_dlq: config.kafka.topics.dlq,
  };
  return defaultTopics.map((t) => ({ ...t, topic: names[t.topic] ?? t.topic }));
}

/**
 * `tickflow topics create`: creates (or updates) the topics, idempotently.
 * @param ctx - command context
 * @returns when done
 * @example
 * ```ts
 * await topicsCreate(ctx);
 * ```
 */
export async function topicsCreate(ctx: CommandContext): Promise<void> {
  const specs = appTopics(ctx.config);
  if (ctx.flags.dryRun) {
    for (const t of specs) ctx.out(`would ensure topic ${JSON.stringify(t)}`);
    return;
  }
  const admin = kafkaClients(ctx.config, ctx.telemetry).kafka.admin();
  await connectOrExplain('admin client', ctx.config.kafka.brokers, () => admin.connect());
  try {
    const r = await ensureTopics(admin, specs);
    ctx.out(`topics: created [${r.created.join(', ')}] updated [${r.updated.join(', ')}] unchanged [${r.unchanged.join(', ')}]`);
  } finally {
    await admin.disconnect();
  }
}
