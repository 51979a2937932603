/** The error a promise must reject with, checked to be of the expected class. */
import assert from 'node:assert/strict';

export async function rejection<E extends Error>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof kind, `expected a ${kind.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected a ${kind.name}, but the promise resolved`);
}
