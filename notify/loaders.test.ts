import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNotifierModules, NOTIFIER_TYPES } from './loaders.js';
import { notifierModules } from './registry.js';

test('the lazy loaders name every registered notifier type, in order, each with its own module', async () => {
  assert.deepEqual(NOTIFIER_TYPES, [...notifierModules.keys()]);
  const loaded = await loadNotifierModules();
  assert.deepEqual([...loaded.keys()], [...notifierModules.keys()]);
  for (const [type, module] of loaded) {
    const registered = notifierModules.get(type)!;
    assert.equal(module.type, registered.type);
    assert.equal(module.description, registered.description);
    // The same keys, routing included: a config valid for one is valid for the other.
    const keys = (m: typeof module) => Object.keys((m.options as unknown as { shape: object }).shape).sort();
    assert.deepEqual(keys(module), keys(registered), type);
  }
});

test('only the asked-for known types are loaded', async () => {
  assert.deepEqual([...(await loadNotifierModules(['email', 'console', 'pager'])).keys()], ['console', 'email']);
  assert.deepEqual([...(await loadNotifierModules([])).keys()], []);
});
