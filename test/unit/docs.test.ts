/**
 * The docs build as CI runs it: the TSDoc of every public export and every example type-checks
 * (scripts/check-doc-examples.mjs), and the typedoc site builds with treatWarningsAsErrors and
 * links every guide.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tickflow-docs-'));
const site = join(out, 'site');
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('docs', () => {
  it('every public export has its TSDoc, and every example compiles (a broken one is caught)', { timeout: 300_000 }, async () => {
    // One run checks the real docs plus a planted guide: a good block using an implied import, and a broken one.
    const planted = join(out, 'planted-guide.md');
    writeFileSync(
      planted,
      ['# planted', '```ts', "parseInterval('5m'); // implied import from @tickflow/core", '```', '```ts', "import { ohlcvWindow } from '@tickflow/operators';", "const n: number = ohlcvWindow({ size: '5m' });", '```', ''].join('\n'),
    );
    const r = await run(process.execPath, [join(root, 'scripts/check-doc-examples.mjs'), '--json', '--extra-guide', planted], { cwd: root, maxBuffer: 64 << 20 }).catch((e) => e);
    const summary = JSON.parse(r.stdout) as { exports: number; examples: number; apiProblems: string[]; exampleProblems: string[] };
    expect(summary.apiProblems).toEqual([]);
    expect(summary.exports).toBeGreaterThan(150);
    expect(summary.examples).toBeGreaterThan(150);
    // exactly the planted error, pointing at its block and line
    expect(summary.exampleProblems).toHaveLength(1);
    expect(summary.exampleProblems[0]).toMatch(/planted-guide\.md:5 example line 2: .*not assignable to type 'number'/);
    expect(r.code).toBe(1);
  });

  it('typedoc builds the site with no warnings, a page per guide', { timeout: 300_000 }, async () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { treatWarningsAsErrors: boolean; readme: string };
    expect(config.treatWarningsAsErrors).toBe(true);
    const guides = readdirSync(join(root, 'docs/guides')).filter((f) => f.endsWith('.md') && `docs/guides/${f}` !== config.readme);
    expect(guides.length).toBeGreaterThanOrEqual(7);
    const r = await run(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', site], { cwd: root, maxBuffer: 64 << 20 }).catch((e) => e);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[(warning|error)\]/);
    expect(r.code ?? 0).toBe(0);
    for (const g of guides) expect(existsSync(join(site, 'documents', g.replace(/\.md$/, '.html'))), g).toBe(true);
    // the landing page (docs/guides/index.md) and its picture
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toContain('documents/getting-started.html');
    expect(existsSync(join(site, 'media', 'dashboard.png'))).toBe(true);
    // one module per entry point, named by its import path (@tickflow/sinks/cassandra → _tickflow_sinks_cassandra.html)
    const entries = (JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] }).entryPoints;
    const modules = entries.map((e) => {
      const [, pkg, sub] = /packages\/(\w+)\/src\/(?:(\w+)\/)?index\.ts/.exec(e) as unknown as [string, string, string | undefined];
      return `_tickflow_${pkg}${sub ? `_${sub}` : ''}.html`;
    });
    expect(readdirSync(join(site, 'modules')).sort()).toEqual(modules.sort());
  });
});
