/**
 * The fault hook kills its own process with SIGKILL at the named step (its n-th arrival with
 * `#n`), and does nothing at all when unset or aimed at another step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const hook = pathToFileURL(new URL('./fault-points.ts', import.meta.url).pathname).href;
const script = `import { faultPoint } from ${JSON.stringify(hook)};
faultPoint('commit:after'); console.log('one');
faultPoint('commit:after'); console.log('two');
faultPoint('accepted:slack'); console.log('three');`;

function runWith(fault: string | undefined) {
  const env = { ...process.env };
  delete env.ENDPOINT_WATCH_FAULT;
  if (fault) env.ENDPOINT_WATCH_FAULT = fault;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
  });
}

test('kill-at:<step>#<n> kills at the n-th arrival; other steps and no hook do nothing', { timeout: 60_000 }, () => {
  const second = runWith('kill-at:commit:after#2');
  assert.equal(second.signal, 'SIGKILL');
  assert.equal(second.stdout, 'one\n');
  const first = runWith('kill-at:accepted:slack');
  assert.equal(first.signal, 'SIGKILL');
  assert.equal(first.stdout, 'one\ntwo\n');
  for (const fault of [undefined, 'kill-at:fetch:before', 'kill-at:commit:after#3', 'nonsense']) {
    const clean = runWith(fault);
    assert.equal(clean.status, 0, `${fault}: ${clean.stderr}`);
    assert.equal(clean.stdout, 'one\ntwo\nthree\n', String(fault));
  }
});
