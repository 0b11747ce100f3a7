/**
 * Test-only (used by the specs and the e2e tests; kept out of the image by Dockerfile.dockerignore):
 * reads Server-Sent Events from a `fetch` response.
 */

/** One Server-Sent Event: its `event:` name and its `data:` parsed as JSON. */
export interface SseEvent<T = unknown> {
  name: string;
  data: T;
}

/**
 * The named events of an SSE response body, as they arrive: one batch per chunk read (batches
 * without an event are not yielded). Blocks without an `event:` line (comments such as
 * `: connected`) are skipped; with `only`, so are events of any other name. Ends with the body;
 * the body is cancelled when the caller stops early.
 */
export async function* sseEventsByChunk<T = unknown>(res: Response, only?: string): AsyncGenerator<SseEvent<T>[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      const batch: SseEvent<T>[] = [];
      for (let i = text.indexOf('\n\n'); i >= 0; i = text.indexOf('\n\n')) {
        const block = text.slice(0, i);
        text = text.slice(i + 2);
        const name = /^event: (\w+)$/m.exec(block)?.[1];
        if (name && (only === undefined || name === only)) batch.push({ name, data: JSON.parse(block.split('data: ')[1] as string) as T });
      }
      if (batch.length > 0) yield batch;
    }
  } finally {
    // an aborted or failed body cannot be cancelled any more: its error is the caller's to see
    await reader.cancel().catch(() => {});
  }
}

/**
 * Reads events ({@link sseEventsByChunk}) until at least `n` have arrived or the stream ends, then
 * cancels the body. Every event of the chunk that completes `n` is returned, so an unexpected extra
 * event sent with them shows.
 */
export async function readSse<T = unknown>(res: Response, n: number, only?: string): Promise<SseEvent<T>[]> {
  const events: SseEvent<T>[] = [];
  for await (const batch of sseEventsByChunk<T>(res, only)) {
    events.push(...batch);
    if (events.length >= n) break;
  }
  return events;
}
