// One-off helper used to (re)generate the exports map of a workspace package from its entry list.
// Usage: node scripts/gen-package.mjs <folder> <entry>... (entry "index" = ".", "kafka/index" = "./kafka")
import { readFileSync, writeFileSync } from 'node:fs';
const [dir, ...entries] = process.argv.slice(2);
const file = `${dir}/package.json`;
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const exportsMap = {};
for (const e of entries) {
  const key = e === 'index' ? '.' : `./${e.replace(/\/index$/, '')}`;
  exportsMap[key] = {
    import: { types: `./dist/${e}.d.ts`, default: `./dist/${e}.js` },
    require: { types: `./dist/${e}.d.cts`, default: `./dist/${e}.cjs` },
  };
}
exportsMap['./package.json'] = './package.json';
pkg.exports = exportsMap;
pkg.main = './dist/index.cjs';
pkg.module = './dist/index.js';
pkg.types = './dist/index.d.cts';
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
