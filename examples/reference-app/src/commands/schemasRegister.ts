import { quoteAvroSchema, tradeAvroSchema } from '@tickflow/core';
import { registerSchemas } from '@tickflow/sinks/kafka';
import type { CommandContext } from '../cli/CommandContext.js';
import { kafkaClients } from '../kafka/connectKafka.js';

/**
 * `tickflow schemas register`: registers core's Avro schemas for the configured topics
 * (`<topic>-value` subjects, BACKWARD compatibility).
 * @param ctx - command context
 * @returns when done
 * @example
 * ```ts
 * await schemasRegister(ctx);
 * ```
 */
export async function schemasRegister(ctx: CommandContext): Promise<void> {
  const t = ctx.config.kafka.topics;
  const subjects = [
    { subject: `${t.trades}-value`, schema: tradeAvroSchema },
    { subject: `${t.crypto}-value`, schema: tradeAvroSchema },
    { subject: `${t.quotes}-value`, schema: quoteAvroSchema },
  ];
  if (ctx.flags.dryRun) {
    for (const s of subjects) ctx.out(`would register ${s.subject}`);
    return;
  }
  const { registry } = kafkaClients(ctx.config, ctx.telemetry);
  try {
    const out = await registerSchemas(registry, { subjects, compatibility: 'BACKWARD' });
    for (const r of out) ctx.out(`schema ${JSON.stringify(r)}`);
  } catch (cause) {
    throw new Error(`cannot register schemas at ${ctx.config.schemaRegistry.url}: ${(cause as Error).message} (start it with \`npx tickflow services up schema-registry\` or set SCHEMA_REGISTRY_URL)`);
  }
}
