import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads a file line by line, synchronously and in bounded memory (64 KiB chunks), so a replay
 * driven by a virtual scheduler stays deterministic. Handles `\n` and `\r\n`; a last line without a
 * newline is returned too. Internal helper.
 */
export function* readLines(path: string, chunkSize = 65_536): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    let rest = '';
    const decoder = new TextDecoder('utf-8');
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      const text = rest + decoder.decode(buf.subarray(0, n), { stream: true });
      let start = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
        const end = i > start && text.charCodeAt(i - 1) === 13 ? i - 1 : i;
        yield text.slice(start, end);
        start = i + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.decode();
    if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    closeSync(fd);
  }
}

/** Splits in-memory text into lines (`\n` or `\r\n`). Internal helper. */
export function* textLines(text: string): Generator<string> {
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    const end = i > start && text.charCodeAt(i - 1) === 13 ? i - 1 : i;
    yield text.slice(start, end);
    start = i + 1;
  }
  if (start < text.length) yield text.slice(start);
}
