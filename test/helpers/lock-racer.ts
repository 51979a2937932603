/**
 * One contender for the snapshot lock, as its own process: prints `ready`, waits for `go` on
 * stdin, tries the lock once (no waiting) and prints `won` or `busy <message>`; a winner holds
 * the lock until its stdin closes, so every other contender meets it held.
 *   node --import tsx test/helpers/lock-racer.ts DIR
 */
import { createInterface } from 'node:readline';
import { acquireLock } from '../../store/lock.js';

const dir = process.argv[2]!;
const lines = createInterface({ input: process.stdin });
let lock: { release(): Promise<void> } | null = null;
process.stdout.write('ready\n');
lines.on('line', (line) => {
  if (line.trim() !== 'go') return;
  acquireLock(dir, { waitMs: 0 }).then(
    (taken) => {
      lock = taken;
      process.stdout.write('won\n');
    },
    (err: Error) => process.stdout.write(`busy ${err.message}\n`),
  );
});
lines.on('close', () => {
  void (lock ? lock.release() : Promise.resolve()).then(() => process.exit(0));
});
