/**
 * A `topic|partition` key maker that builds each key once and hands back the same string after
 * that: the processor keys several maps by partition for every record it reads, and a fresh
 * template string per record is an allocation plus a hash each time.
 *
 * @returns `(topic, partition) => 'topic|partition'`, memoised
 * @example
 * ```ts
 * const partOf = partitionKeys();
 * partOf('trades_raw', 3); // 'trades_raw|3'
 * partOf('trades_raw', 3) === partOf('trades_raw', 3); // true, the same string
 * ```
 */
export function partitionKeys(): (topic: string, partition: number) => string {
  const byTopic = new Map<string, string[]>();
  return (topic, partition) => {
    let keys = byTopic.get(topic);
    if (keys === undefined) byTopic.set(topic, (keys = []));
    return (keys[partition] ??= `${topic}|${partition}`);
  };
}
