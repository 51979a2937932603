#!/usr/bin/env node
// The `endpoint-watch` binary: the real process's streams and signals around cli/main.ts.
import { main } from './main.js';

const untilStopped = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  untilStopped,
});
process.exitCode = code;
