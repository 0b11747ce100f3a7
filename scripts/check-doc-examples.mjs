#!/usr/bin/env node
// Checks the API docs the way an integrator reads them:
//  1. every public export of the four packages (everything the typedoc entry points export) has a
//     TSDoc summary and an @example (functions, classes and constants, and also the option and
//     record types), and functions and methods an @param per parameter and @returns;
//  2. every ```ts block in an @example (packages/*/src) and in docs/guides/*.md type-checks.
//
// Examples are written to .tickflow/doc-examples/<pid>/ (git-ignored; kept only on failure), one module each, and compiled in one
// TypeScript program against the packages' sources (the workspace paths of tsconfig.docs.json).
// An example may use the package's public names without importing them (the reader imports from
// the package being documented); any other free name is an error, so examples must declare their
// inputs. A guide block whose first line is `// not type-checked` is skipped (shell-like pseudo code).
//
//   node scripts/check-doc-examples.mjs          # both checks; exit 1 listing every problem
//   node scripts/check-doc-examples.mjs --json   # machine-readable summary (used by the test)
//   node scripts/check-doc-examples.mjs --extra-guide x.md   # also check the blocks of x.md
//   DOCS_REQUIRE_TYPE_EXAMPLES=0 node scripts/check-doc-examples.mjs   # don't require @example on types
//     (a local opt-out while drafting a new type; CI runs with the default, which requires them)
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
// One folder per run, so concurrent runs (a test and a manual run) don't overwrite each other's files.
const outDir = join(root, '.tickflow', 'doc-examples', String(process.pid));
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
const entryFiles = typedoc.entryPoints.map((p) => join(root, p));
const specifierOf = (file) => {
  const m = /packages\/([^/]+)\/src\/(?:([^/]+)\/)?index\.ts$/.exec(relative(root, file).split('\\').join('/'));
  return m[2] ? `@tickflow/${m[1]}/${m[2]}` : `@tickflow/${m[1]}`;
};

const docsConfig = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.docs.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
function fail(msg) {
  console.error(msg);
  process.exit(2);
}

// ---------- 1. the public exports and their TSDoc
// One set of options for both programs, so the examples' program reuses this one's parsed files.
const options = { ...docsConfig.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, types: ['node'], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] };
const program = ts.createProgram({ rootNames: entryFiles, options });
const checker = program.getTypeChecker();
const problems = [];
/** public name → import specifier (the most specific entry that exports it). */
const publicNames = new Map();
const seen = new Set();
const isInternal = (tags) => tags.some((t) => t.tagName.text === 'internal');

function jsDocOf(decl) {
  const docs = ts.getJSDocCommentsAndTags(decl).filter(ts.isJSDoc);
  return docs.at(-1);
}
const text = (c) => (c === undefined ? '' : typeof c === 'string' ? c : c.map((p) => p.text).join(''));
const where = (decl) => {
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart());
  return `${relative(root, sf.fileName)}:${line + 1}`;
};

function checkCallable(decl, name, doc) {
  const tags = doc?.tags ?? [];
  const params = new Set(tags.filter(ts.isJSDocParameterTag).map((t) => t.name.getText().replace(/^\[|\]$/g, '').split('=')[0].split('.')[0]));
  for (const p of decl.parameters ?? []) {
    const pname = p.name.getText();
    if (ts.isIdentifier(p.name) && !params.has(pname)) problems.push(`${where(decl)} ${name}: no @param for "${pname}"`);
  }
  const sig = checker.getSignatureFromDeclaration(decl);
  const ret = sig ? checker.typeToString(checker.getReturnTypeOfSignature(sig)) : 'void';
  const isCtor = ts.isConstructorDeclaration(decl);
  if (!isCtor && ret !== 'void' && !tags.some((t) => t.tagName.text === 'returns' || t.tagName.text === 'return')) problems.push(`${where(decl)} ${name}: no @returns (returns ${ret})`);
}

for (const file of entryFiles) {
  const sf = program.getSourceFile(file);
  if (!sf) fail(`typedoc entry point ${relative(root, file)} is not in the program`);
  const spec = specifierOf(file);
  const mod = checker.getSymbolAtLocation(sf);
  for (const exp of checker.getExportsOfModule(mod)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    if (!publicNames.has(exp.name) || spec.includes('/')) publicNames.set(exp.name, { spec, typeOnly: !(sym.flags & ts.SymbolFlags.Value) });
    if (seen.has(sym)) continue;
    seen.add(sym);
    for (const decl of sym.declarations ?? []) {
      if (decl.getSourceFile().isDeclarationFile) continue;
      // Overload implementations carry no docs of their own.
      if (ts.isFunctionDeclaration(decl) && decl.body && (sym.declarations?.length ?? 0) > 1) continue;
      const target = decl;
      const docHost = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
      const doc = jsDocOf(docHost);
      const tags = doc?.tags ?? [];
      if (isInternal(tags)) continue;
      if (!text(doc?.comment).trim()) problems.push(`${where(target)} ${exp.name}: no summary`);
      // Every public export needs an example: values (functions, classes, constants) and types alike
      // (an option or record type shows how it is filled in or read). DOCS_REQUIRE_TYPE_EXAMPLES=0
      // relaxes that for types only.
      const typeExamples = process.env.DOCS_REQUIRE_TYPE_EXAMPLES !== '0';
      if ((typeExamples || sym.flags & ts.SymbolFlags.Value) && !tags.some((t) => t.tagName.text === 'example')) problems.push(`${where(target)} ${exp.name}: no @example`);
      if (ts.isFunctionDeclaration(decl)) checkCallable(decl, exp.name, doc);
      if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) checkCallable(decl.initializer, exp.name, doc);
      if (ts.isClassDeclaration(decl)) {
        for (const m of decl.members) {
          const mods = ts.getCombinedModifierFlags(m);
          if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || (m.name && ts.isPrivateIdentifier(m.name))) continue;
          if (ts.isMethodDeclaration(m) && m.body && decl.members.filter((o) => o.name?.getText() === m.name.getText()).length > 1) continue;
          if (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m)) {
            const mdoc = jsDocOf(m);
            if (isInternal(mdoc?.tags ?? [])) continue;
            const label = `${exp.name}.${ts.isConstructorDeclaration(m) ? 'constructor' : m.name.getText()}`;
            if (!ts.isConstructorDeclaration(m) && !text(mdoc?.comment).trim()) problems.push(`${where(m)} ${label}: no summary`);
            if (m.parameters.length > 0 || !ts.isConstructorDeclaration(m)) checkCallable(m, label, mdoc);
          }
        }
      }
    }
  }
}
const apiProblems = problems.length;

// ---------- 2. the examples compile
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const examples = []; // { file (generated), origin: 'path:line', prelude lines }
const FENCE = /```(?:ts|typescript)\s*\n([\s\S]*?)```/g;

function addExample(code, origin, defaultSpec, context = '', sourceFile = undefined) {
  const n = examples.length;
  const file = join(outDir, `ex${String(n).padStart(4, '0')}.ts`);
  examples.push({ file, origin, code, defaultSpec, context, sourceFile });
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

for (const pkg of ['core', 'operators', 'sources', 'sinks']) {
  for (const file of walk(join(root, 'packages', pkg, 'src'))) {
    const src = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, src, ts.ScriptTarget.ES2022, true);
    const visit = (node) => {
      for (const doc of ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)) {
        for (const tag of doc.tags ?? []) {
          if (tag.tagName.text !== 'example') continue;
          const body = text(tag.comment);
          const line = sf.getLineAndCharacterOfPosition(tag.getStart()).line + 1;
          for (const m of body.matchAll(FENCE)) addExample(m[1], `${relative(root, file)}:${line}`, `@tickflow/${pkg}`, '', file);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
const guidesDir = join(root, 'docs', 'guides');
// --extra-guide <file.md>: check one more markdown file too (the test proves a broken block is caught).
const extraAt = process.argv.indexOf('--extra-guide');
const guideFiles = readdirSync(guidesDir)
  .filter((n) => n.endsWith('.md'))
  .map((n) => join(guidesDir, n));
if (extraAt > 0 && process.argv[extraAt + 1]) guideFiles.push(process.argv[extraAt + 1]);
for (const path of guideFiles) {
  const name = relative(guidesDir, path);
  const md = readFileSync(path, 'utf8');
  // A guide's snippets may share context (`trades$`, a connected `client`): declare it once in a
  // hidden comment, <!-- doc-examples-prelude ... -->, prepended to each of its blocks.
  const guidePrelude = [...md.matchAll(/<!--\s*doc-examples-prelude\s*\n([\s\S]*?)-->/g)].map((p) => p[1]).join('\n');
  for (const m of md.matchAll(FENCE)) {
    const code = m[1];
    const first = code.split('\n')[0].trim();
    if (/^\/\/ not type-checked/.test(first)) continue;
    if (/from '\.\.?\//.test(code)) continue; // app-internal imports (the reference app's own files)
    const line = md.slice(0, m.index).split('\n').length;
    addExample(code, `docs/guides/${name}:${line}`, undefined, guidePrelude);
  }
}

// A name the example uses but neither imports nor declares gets imported from the package it
// documents — the reader's implied `import { … } from '@tickflow/x'`.
function preludeFor(ex) {
  const sf = ts.createSourceFile('x.ts', ex.code, ts.ScriptTarget.ES2022, true);
  const declared = new Set();
  const used = new Set();
  const visit = (node) => {
    if (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) node.name && declared.add(node.name.text);
    if ((ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name && ts.isIdentifier(node.name)) declared.add(node.name.text);
    if (ts.isBindingElement(node) && ts.isIdentifier(node.name)) declared.add(node.name.text);
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const name of contextNames(ex.context)) declared.add(name);
  const local = ex.sourceFile ? exportedNamesOf(ex.sourceFile) : new Set();
  const bySpec = new Map();
  for (const name of used) {
    if (declared.has(name)) continue;
    const pub = publicNames.get(name);
    // An internal helper documented in its own file: import it from that file.
    const spec = pub ? pub.spec : local.has(name) ? ex.sourceFile.replace(/\.ts$/, '.js') : undefined;
    if (!spec) continue;
    if (!bySpec.has(spec)) bySpec.set(spec, []);
    bySpec.get(spec).push(pub?.typeOnly ? `type ${name}` : name);
  }
  return [...bySpec].map(([spec, names]) => `import { ${names.join(', ')} } from '${spec}';`);
}

function contextNames(code) {
  const names = new Set();
  if (!code) return names;
  const sf = ts.createSourceFile('c.ts', code, ts.ScriptTarget.ES2022, true);
  const visit = (node) => {
    if ((ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name && ts.isIdentifier(node.name)) names.add(node.name.text);
    if (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) node.name && names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

function exportedNamesOf(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const names = new Set();
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) ts.isIdentifier(d.name) && names.add(d.name.text);
    else if (st.name && ts.isIdentifier(st.name)) names.add(st.name.text);
  }
  return names;
}

for (const ex of examples) {
  const prelude = preludeFor(ex);
  if (ex.context) {
    // Each context statement, unless the block declares the same name itself.
    const own = contextNames(ex.code);
    const csf = ts.createSourceFile('c.ts', ex.context, ts.ScriptTarget.ES2022, true);
    for (const st of csf.statements) {
      const names = contextNames(st.getText(csf));
      if ([...names].some((n) => own.has(n))) continue;
      prelude.push(...st.getText(csf).split('\n'));
    }
  }
  ex.preludeLines = prelude.length;
  writeFileSync(ex.file, `${prelude.join('\n')}${prelude.length ? '\n' : ''}${ex.code}\nexport {};\n`);
}
writeFileSync(join(outDir, 'package.json'), '{ "type": "module", "private": true }\n');

const exProgram = ts.createProgram({ rootNames: [...entryFiles, ...examples.map((e) => e.file)], options, oldProgram: program });
const byFile = new Map(examples.map((e) => [e.file, e]));
const exampleProblems = [];
const reported = new Set();
// Diagnostics of the example files only (the packages themselves are type-checked by `npm run typecheck`).
const diagnostics = [...exProgram.getOptionsDiagnostics(), ...exProgram.getGlobalDiagnostics()];
for (const ex of examples) {
  const sf = exProgram.getSourceFile(ex.file);
  diagnostics.push(...exProgram.getSyntacticDiagnostics(sf), ...exProgram.getSemanticDiagnostics(sf));
}
for (const d of diagnostics) {
  const ex = d.file && byFile.get(d.file.fileName);
  const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (!ex) {
    exampleProblems.push(`(global) ${msg}`);
    continue;
  }
  const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const codeLine = line - ex.preludeLines + 1;
  const line1 = `${ex.origin} example line ${codeLine}: ${msg}  [${relative(root, ex.file)}]`;
  if (!reported.has(line1)) exampleProblems.push(line1);
  reported.add(line1);
}

const summary = { exports: seen.size, examples: examples.length, apiProblems: problems, exampleProblems };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(summary));
} else {
  for (const p of problems) console.error(`doc: ${p}`);
  for (const p of exampleProblems) console.error(`example: ${p}`);
  console.log(`${seen.size} public exports checked (${apiProblems} doc problems); ${examples.length} examples type-checked (${exampleProblems.length} errors)`);
}
const failed = problems.length + exampleProblems.length > 0;
// Keep the generated files only when something failed (the messages point into them).
if (!failed) rmSync(outDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
