import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportFormats, PAC_FALLBACK_EXAMPLE as RENDERERS_EXAMPLE } from './formats.js';
import { EXPORT_FORMAT_LIST, PAC_FALLBACK_EXAMPLE } from './format-list.js';

test('the light format list names every export format, in order, with its description', () => {
  assert.deepEqual(
    EXPORT_FORMAT_LIST,
    [...exportFormats.values()].map((f) => ({ id: f.id, description: f.description })),
  );
  assert.equal(PAC_FALLBACK_EXAMPLE, RENDERERS_EXAMPLE);
});
