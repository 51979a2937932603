import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PARSER_IDS } from './ids.js';
import { parsers } from './registry.js';

test('the light id list is the parser registry, in its order', () => {
  assert.deepEqual(PARSER_IDS, [...parsers.keys()]);
});
