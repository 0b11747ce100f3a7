#!/usr/bin/env node
// Checks every published package the way npm consumers will see it:
// publint --strict and @arethetypeswrong/cli (node16 CJS + ESM, bundler) on the packed tarball.
// Run after `npm run build`. Exits non-zero naming the package that failed.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const cwd = join(root, 'packages', dir);
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'ascii']],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd, stdio: 'pipe', encoding: 'utf8' });
      console.log(`ok   ${tool} @tickflow/${dir}`);
    } catch (e) {
      failed++;
      console.error(`FAIL ${tool} @tickflow/${dir}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
}
process.exit(failed ? 1 : 0);
