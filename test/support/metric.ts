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
