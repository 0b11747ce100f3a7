import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const packages = readdirSync(join(root, 'packages'));
const built = packages.every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));

/**
 * Checks the built packages as a user gets them. Needs `npm run build` first (npm test does it);
 * skipped with a message otherwise so `vitest --project unit` stays usable during development.
 */
describe.skipIf(!built)('published packages', () => {
  for (const dir of packages) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, unknown>;
      sideEffects: boolean;
    };
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');

    it(`${pkg.name}: require() and import() work from a plain Node script for every subpath`, () => {
      const specs = subpaths.map((sub) => (sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`));
      // One process per module system loads every subpath, like a user's script would.
      const cjs = execFileSync(process.execPath, ['-e', `for (const s of ${JSON.stringify(specs)}) console.log(s, typeof require(s))`], {
        cwd: root,
        encoding: 'utf8',
      });
      const esm = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `for (const s of ${JSON.stringify(specs)}) console.log(s, typeof (await import(s)))`],
        { cwd: root, encoding: 'utf8' },
      );
      const expected = specs.map((s) => `${s} object`).join('\n');
      expect(cjs.trim()).toBe(expected);
      expect(esm.trim()).toBe(expected);
      expect(pkg.sideEffects).toBe(false);
    }, 120_000);
  }

  it('publint --strict and attw report no problems for any package', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'lint-packages.mjs')], { cwd: root, encoding: 'utf8' });
    expect(out.match(/^ok /gm)?.length).toBe(packages.length * 2);
  }, 120_000);

  it('@tickflow/core exports the contracts from both module systems', () => {
    const out = execFileSync(
      process.execPath,
      ['-e', "const c = require('@tickflow/core'); console.log(c.parseInterval('5m'), c.TradeSchema.safeParse({symbol:'A',price:1,size:1,ts:0}).success)"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('300000 true');
  }, 60_000);
});
