#!/usr/bin/env node
// `npm test`: lint and format check (Biome), type check, then every *.test.ts file with node's
// test runner. Node 20 does not expand globs in `node --test`, so the file list is built here.
//
//   node scripts/run-tests.mjs                 everything (what .ci/run runs), then a fault-suite sample
//   node scripts/run-tests.mjs --unit          tests beside the code (no CLI, no corpus)
//   node scripts/run-tests.mjs --e2e           test/*.test.ts: the CLI and whole runs with real peers
//   node scripts/run-tests.mjs --corpus        tests that read ../shared/corpus (file names with "corpus")
//   node scripts/run-tests.mjs FILE...         just those files, no lint or type check
// Every test has a 10-minute ceiling (--test-timeout) so nothing can hang CI; tests that wait on
// a server or on time set a tighter { timeout } of their own.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', '.git', 'snapshots']);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const isCorpus = (file) => file.split(sep).at(-1).includes('corpus');
const isE2e = (file) => file.startsWith(`test${sep}`) && !isCorpus(file);
const SUITES = {
  '--unit': (file) => !isCorpus(file) && !isE2e(file),
  '--e2e': isE2e,
  '--corpus': isCorpus,
};

const args = process.argv.slice(2);
const suite = args.find((a) => a in SUITES);
const named = args.filter((a) => !(a in SUITES));
const all = collect(root, []).sort();
const files = named.length ? named : suite ? all.filter(SUITES[suite]) : all;
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

function step(label, command, commandArgs) {
  const result = spawnSync(process.execPath, [join(root, command), ...commandArgs], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `${label} failed${label === 'lint' ? ': `npm run format` fixes formatting; see above for the rest' : ''}`,
    );
    process.exit(result.status ?? 1);
  }
}

if (!named.length && !suite) {
  step('lint', 'node_modules/@biomejs/biome/bin/biome', ['check', '--error-on-warnings', '.']);
  step('type check', 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.check.json']);
}

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', ...files],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);

// The whole suite ends with a sample of the fault suite (kills at named steps, notifier faults,
// a lock race, a parser fuzz; about 40 s on 2 cores): `npm run test:faults` runs all of it.
if (!named.length && !suite) {
  const faults = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/faults/main.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FAULTS_SAMPLE: '1' },
    timeout: 600_000,
  });
  if (faults.status !== 0) {
    console.error('fault suite sample failed (or took over 10 minutes); see above');
    process.exit(faults.status ?? 1);
  }
}
process.exit(0);
