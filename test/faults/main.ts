/**
 * `npm run test:faults`: the fault suite. kill -9 at every named step of a run, Slack and SMTP
 * faults, a lock race on a dead holder, and a bounded fuzz of the parsers on mutated corpus
 * documents. Prints one table of counts and writes it as JSON to a temporary file; exits 1 on
 * any lost alert, crash, hang, bad state, duplicate outside the README's window, or a trial
 * whose fault was never reached.
 *
 *   npm run test:faults                      the full suite (a few minutes)
 *   FAULTS_SAMPLE=1 npm run test:faults      a sample sized for CI (every part, fewer trials)
 *   FAULTS_ONLY='change kill-at:git-commit'  trials whose name contains this text (any part)
 *   FAULTS_SEED=7                            the fuzz's seed (default 1)
 *   FAULTS_REPORT=FILE                       where the JSON goes (default: a temporary file)
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFaultSuite, type SuiteOptions } from './suite.js';

const options: SuiteOptions = {
  sample: !!process.env.FAULTS_SAMPLE && process.env.FAULTS_SAMPLE !== '0',
  only: process.env.FAULTS_ONLY ?? null,
  seed: Number(process.env.FAULTS_SEED ?? 1),
  log: (line) => process.stdout.write(`${line}\n`),
};
const started = Date.now();
const tally = await runFaultSuite(options);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const report = process.env.FAULTS_REPORT ?? join(tmpdir(), `endpoint-watch-faults-${Date.now()}.json`);
writeFileSync(
  report,
  `${JSON.stringify({ ...(tally.json() as object), seconds: Number(seconds), ...options, log: undefined }, null, 2)}\n`,
);
const out = process.stdout;
out.write(`\nfault suite (${options.sample ? 'sample' : 'full'}, ${seconds} s)\n${tally.table()}\n`);
for (const note of tally.notes) out.write(`${note}\n`);
for (const line of tally.invalid) out.write(`INVALID ${line}\n`);
for (const f of tally.findings) out.write(`FINDING [${f.part}] ${f.trial}: ${f.what}\n  reproduce: ${f.reproduce}\n`);
out.write(`report: ${report}\n${tally.failed() ? 'FAILED' : 'passed'}\n`);
process.exit(tally.failed() ? 1 : 0);
