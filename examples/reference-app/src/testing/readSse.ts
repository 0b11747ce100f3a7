/**
 * Test-only (used by the specs; kept out of the image by Dockerfile.dockerignore): reads
 * Server-Sent Events from a `fetch` response.
 */

/** One Server-Sent Event: its `event:` name and its `data:` parsed as JSON. */
export interface SseEvent<T = unknown> {
  name: string;
  data: T;
}

/**
 * Reads named events from the body of an SSE response until `n` have arrived or the stream ends,
 * then cancels the body. Blocks without an `event:` line (comments such as `: connected`) are
 * skipped; with `only`, so are events of any other name (they do not count towards `n`).
 */
export async function readSse<T = unknown>(res: Response, n: number, only?: string): Promise<SseEvent<T>[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: SseEvent<T>[] = [];
  while (events.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    for (let i = text.indexOf('\n\n'); i >= 0; i = text.indexOf('\n\n')) {
      const block = text.slice(0, i);
      text = text.slice(i + 2);
      const name = /^event: (\w+)$/m.exec(block)?.[1];
      if (name && (only === undefined || name === only)) events.push({ name, data: JSON.parse(block.split('data: ')[1] as string) as T });
    }
  }
  await reader.cancel();
  return events;
}
