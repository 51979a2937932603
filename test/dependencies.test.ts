/**
 * The README's dependency table stays true: every runtime dependency in package.json is imported
 * by the code that ships, and every package the code or the tests import is declared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'snapshots', '.git']);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(?:ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Import {
  name: string;
  /** `import type` / `export type`: erased by the compiler, so a dev dependency will do. */
  typeOnly: boolean;
}

/** Packages a file imports: static and type imports, re-exports, side-effect and dynamic imports. */
function imports(text: string): Import[] {
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^(import|export)(\s+type)?\s*(?:[\w*{][^;]*?\s)?from\s*['"]([^'"]+)['"]/gm))
    found.push({ specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^import\s*['"]([^'"]+)['"]/gm)) found.push({ specifier: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ specifier: m[1]!, typeOnly: false });
  return found
    .filter(({ specifier: s }) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map(({ specifier: s, typeOnly }) => ({
      name: s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!,
      typeOnly,
    }));
}

const files = sourceFiles(ROOT);
const isTestCode = (file: string) => /\.test\.ts$|^(?:test|bench|scripts)\/|__fixtures__/.test(relative(ROOT, file));

test('every runtime dependency is imported by the shipped code', () => {
  const used = new Set(
    files
      .filter((f) => !isTestCode(f))
      .flatMap((f) => imports(readFileSync(f, 'utf8')))
      .filter((i) => !i.typeOnly)
      .map((i) => i.name),
  );
  const unused = Object.keys(pkg.dependencies).filter((d) => !used.has(d));
  assert.deepEqual(unused, [], `declared in dependencies but imported by no shipped module: ${unused.join(', ')}`);
});

test('every imported package is declared, and the shipped code imports no dev dependency', () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  const undeclared: string[] = [];
  const devInShipped: string[] = [];
  for (const file of files) {
    for (const { name, typeOnly } of imports(readFileSync(file, 'utf8'))) {
      // A type-only import resolves through the package or its @types package.
      const types = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
      if (!declared.has(name) && !(typeOnly && declared.has(types)))
        undeclared.push(`${relative(ROOT, file)}: ${name}`);
      else if (!isTestCode(file) && !typeOnly && !(name in pkg.dependencies))
        devInShipped.push(`${relative(ROOT, file)}: ${name}`);
    }
  }
  assert.deepEqual(undeclared, [], 'imported but not in package.json');
  assert.deepEqual(devInShipped, [], 'shipped code imports a dev dependency (npm ci --omit=dev would break it)');
});

test('the scan sees the imports it must see (a check that can fail)', () => {
  const text = [
    "import { z } from 'zod';",
    "import type { Root } from 'mdast';",
    'import {',
    '  a,',
    "} from 'commander';",
    "export { x } from '@scope/pkg/sub';",
    "import 'side-effect';",
    "const m = await import('@slack/webhook');",
    "import 'node:fs';",
    "import x from './y.js';",
    "// a comment saying import this from 'nowhere' is not an import",
    "const s = 'another from \\'word\\'';",
  ].join('\n');
  assert.deepEqual(imports(text), [
    { name: 'zod', typeOnly: false },
    { name: 'mdast', typeOnly: true },
    { name: 'commander', typeOnly: false },
    { name: '@scope/pkg', typeOnly: false },
    { name: 'side-effect', typeOnly: false },
    { name: '@slack/webhook', typeOnly: false },
  ]);
});
