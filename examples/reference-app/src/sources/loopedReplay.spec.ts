import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { loopedReplay } from './loopedReplay.js';

describe('loopedReplay', () => {
  it('shifts each pass by the span rounded up to hours and makes ids unique', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loop-'));
    const file = join(dir, 'trades.ndjson');
    const t0 = Date.UTC(2020, 1, 22, 0, 10);
    writeFileSync(
      file,
      [
        { symbol: 'X', price: 1, size: 1, ts: t0, id: 'a' },
        { symbol: 'X', price: 2, size: 1, ts: t0 + 90 * 60_000, id: 'b' },
      ]
        .map((t) => JSON.stringify(t))
        .join('\n'),
    );
    const out = await lastValueFrom(loopedReplay(file, Number.POSITIVE_INFINITY, 3).pipe(toArray()));
    expect(out.map((t) => [t.ts - t0, t.id])).toEqual([
      [0, 'a'],
      [90 * 60_000, 'b'],
      [2 * 3_600_000, 'a#1'],
      [2 * 3_600_000 + 90 * 60_000, 'b#1'],
      [4 * 3_600_000, 'a#2'],
      [4 * 3_600_000 + 90 * 60_000, 'b#2'],
    ]);
  });
});
