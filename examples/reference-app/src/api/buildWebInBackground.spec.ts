import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWebInBackground } from './buildWebInBackground.js';

describe('buildWebInBackground', () => {
  it('does nothing when the page is already built', () => {
    const lines: string[] = [];
    expect(buildWebInBackground((l) => lines.push(l), mkdtempSync(join(tmpdir(), 'web-')))).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('does nothing when TICKFLOW_NO_WEB_BUILD is set', () => {
    process.env.TICKFLOW_NO_WEB_BUILD = '1';
    try {
      expect(buildWebInBackground(() => {}, join(tmpdir(), 'tickflow-missing-web-folder'))).toBeUndefined();
    } finally {
      delete process.env.TICKFLOW_NO_WEB_BUILD;
    }
  });
});
