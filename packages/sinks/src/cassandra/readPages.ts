// Internal: runs one SELECT and follows its pages.
import type { CassandraClient, CassandraQueryOptions, CassandraRow } from './CassandraClient.js';

/** Yields every row of a paged query, `fetchSize` rows per round-trip. */
export async function* readPages(
  client: CassandraClient,
  query: string,
  params: unknown[],
  fetchSize: number,
  executionProfile?: string,
): AsyncGenerator<CassandraRow> {
  let pageState: string | undefined;
  do {
    const options: CassandraQueryOptions = { prepare: true, fetchSize };
    if (pageState !== undefined) options.pageState = pageState;
    if (executionProfile !== undefined) options.executionProfile = executionProfile;
    const rs = await client.execute(query, params, options);
    yield* rs.rows;
    pageState = rs.pageState ?? undefined;
  } while (pageState);
}
