/**
 * The sum of the samples of Prometheus metric `name` (the lines starting with it, comments
 * excluded) whose line contains `match` (e.g. `stage="process"`), scraped from
 * `http://127.0.0.1:<port>/metrics`. `timeoutMs` aborts a scrape that takes longer (default: none).
 */
export async function metric(port: number, name: string, match = '', opts: { timeoutMs?: number } = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, opts.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(opts.timeoutMs) });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && line.includes(match) && !line.startsWith('#')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * The sample lines of `http://127.0.0.1:<port>/metrics` whose text matches `pattern` (e.g.
 * `/^tickflow_(bars|committed)/`), joined for an error message; what went wrong when the scrape fails.
 */
export async function metricLines(port: number, pattern: RegExp): Promise<string> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    return text
      .split('\n')
      .filter((l) => !l.startsWith('#') && pattern.test(l))
      .join('\n');
  } catch (e) {
    return `(no /metrics on port ${port}: ${(e as Error).message})`;
  }
}
