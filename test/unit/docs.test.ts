/**
 * The docs build as CI runs it: the TSDoc of every public export and every example type-checks
 * (scripts/check-doc-examples.mjs), and the typedoc site builds with treatWarningsAsErrors and
 * links every guide.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tickflow-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('docs', () => {
  it('every public export has its TSDoc, and every example compiles', { timeout: 300_000 }, async () => {
    const r = await run(process.execPath, [join(root, 'scripts/check-doc-examples.mjs'), '--json'], { cwd: root, maxBuffer: 64 << 20 }).catch((e) => e);
    const summary = JSON.parse(r.stdout) as { exports: number; examples: number; apiProblems: string[]; exampleProblems: string[] };
    expect(summary.apiProblems).toEqual([]);
    expect(summary.exampleProblems).toEqual([]);
    expect(summary.exports).toBeGreaterThan(150);
    expect(summary.examples).toBeGreaterThan(150);
    expect(r.code ?? 0).toBe(0);
  });

  it('typedoc builds the site with no warnings, every guide linked', { timeout: 300_000 }, async () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { treatWarningsAsErrors: boolean; projectDocuments: string[]; readme: string };
    expect(config.treatWarningsAsErrors).toBe(true);
    const guides = readdirSync(join(root, 'docs/guides')).filter((f) => f.endsWith('.md') && `docs/guides/${f}` !== config.readme);
    expect(config.projectDocuments.slice().sort()).toEqual(guides.map((g) => `docs/guides/${g}`).sort());
    const r = await run(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, maxBuffer: 64 << 20 }).catch((e) => e);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[(warning|error)\]/);
    expect(r.code ?? 0).toBe(0);
    for (const g of guides) expect(existsSync(join(out, 'documents', g.replace(/\.md$/, '.html'))), g).toBe(true);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const g of guides) expect(index, `landing page links ${g}`).toContain(`documents/${g.replace(/\.md$/, '.html')}`);
    expect(existsSync(join(out, 'modules/_tickflow_sinks_cassandra.html')) || readdirSync(join(out, 'modules')).some((f) => f.includes('cassandra'))).toBe(true);
  });
});
