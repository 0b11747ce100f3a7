import type { CassandraClient } from '@tickflow/sinks/cassandra';
import cassandra from 'cassandra-driver';

const long = (n: number) => cassandra.types.Long.fromNumber(n);
const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(String(v)));

/** A stored commit of one partition (see the commit protocol, ADR 0070). */
export interface Checkpoint {
  topic: string;
  partition: number;
  offset: number;
  closedThrough: number;
}

/** CQL of the app's checkpoint table (created by `tickflow cassandra init` and by `process`). */
export const checkpointTableCql = (keyspace: string): string =>
  `CREATE TABLE IF NOT EXISTS ${keyspace}.processor_checkpoints (group_id text, topic text, partition int, committed_offset bigint, closed_through bigint, updated_at timestamp, PRIMARY KEY ((group_id), topic, partition))`;

/**
 * The processor's checkpoints in Cassandra: per consumer group and partition, the offset being
 * committed and its `closedThrough` (written before the Kafka commit, read at start-up).
 *
 * @example
 * ```ts
 * const store = new CheckpointStore(client, 'market_data', 'tickflow-processor');
 * await store.ensure();
 * const last = await store.load(); // Map 'trades_raw|3' → { offset, closedThrough }
 * ```
 */
export class CheckpointStore {
  /**
   * @param client - a connected cassandra-driver Client
   * @param keyspace - keyspace of the app tables
   * @param groupId - consumer group of the processor
   */
  constructor(
    private readonly client: CassandraClient,
    private readonly keyspace: string,
    private readonly groupId: string,
  ) {}

  /** Creates the table if needed. */
  async ensure(): Promise<void> {
    await this.client.execute(checkpointTableCql(this.keyspace));
  }

  /** @returns the stored checkpoints by `topic|partition` */
  async load(): Promise<Map<string, Checkpoint>> {
    const rs = await this.client.execute(`SELECT topic, partition, committed_offset, closed_through FROM ${this.keyspace}.processor_checkpoints WHERE group_id = ?`, [this.groupId], { prepare: true });
    const out = new Map<string, Checkpoint>();
    for (const row of rs.rows as unknown as Record<string, unknown>[]) {
      const ct = row.closed_through;
      out.set(`${row.topic}|${row.partition}`, {
        topic: String(row.topic),
        partition: Number(row.partition),
        offset: num(row.committed_offset),
        closedThrough: ct === null || ct === undefined ? Number.NEGATIVE_INFINITY : num(ct),
      });
    }
    return out;
  }

  /**
   * Stores checkpoints (before the offsets are committed to Kafka).
   * @param points - the commits about to be made
   */
  async save(points: readonly Checkpoint[]): Promise<void> {
    const q = `INSERT INTO ${this.keyspace}.processor_checkpoints (group_id, topic, partition, committed_offset, closed_through, updated_at) VALUES (?, ?, ?, ?, ?, ?)`;
    await Promise.all(
      points.map((p) =>
        this.client.execute(q, [this.groupId, p.topic, p.partition, long(p.offset), Number.isFinite(p.closedThrough) ? long(p.closedThrough) : null, new Date()], { prepare: true }),
      ),
    );
  }
}
