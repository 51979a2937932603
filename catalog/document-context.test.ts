import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentContext } from './document-context.js';

// Written for this test in the shape of a data-center table under a heading and an intro sentence.
const BEFORE = `# Network requirements

## App connector access

Some intro about the product that is not about the rows below.

Allow these addresses, depending on your data center:

|Data center|IP addresses|
|---|---|
|EU1 data center|13.80.22.71<br></br>13.95.29.177|
|US1 data center|104.42.54.148<br></br>40.112.62.220|
|US2 data center|52.183.75.62|

## Mail server

Allow 65.55.234.192/26 on your anti-spam allowlist.
`;

test('an added IP shows its table row, the sentence above the table and the section heading', () => {
  const after = BEFORE.replace('13.95.29.177|', '13.95.29.177<br></br>13.95.30.47|').replace(
    'Allow these addresses, depending on your data center:',
    'Allow these addresses (a new EU1 address since March), depending on your data center:',
  );
  const { text, hunks, omitted } = documentContext(BEFORE, after, ['13.95.30.47']);
  assert.equal(hunks, 1);
  assert.equal(omitted, 0);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^@@ -\d+,\d+ \+\d+,\d+ @@ ## App connector access$/);
  assert.ok(
    lines.includes(' Allow these addresses (a new EU1 address since March), depending on your data center:'),
    text,
  );
  assert.ok(lines.includes('-|EU1 data center|13.80.22.71<br></br>13.95.29.177|'), text);
  assert.ok(lines.includes('+|EU1 data center|13.80.22.71<br></br>13.95.29.177<br></br>13.95.30.47|'), text);
  // Only that place: the mail server section did not change.
  assert.doesNotMatch(text, /Mail server|65\.55\.234/);
});

test('a removed row shows what vanished; a prose-only edit elsewhere is not shown', () => {
  const after = BEFORE.replace('|US2 data center|52.183.75.62|\n', '').replace('Some intro', 'Another intro');
  const { text, hunks } = documentContext(BEFORE, after, ['52.183.75.62']);
  assert.equal(hunks, 1);
  assert.ok(text.split('\n').includes('-|US2 data center|52.183.75.62|'), text);
  assert.doesNotMatch(text, /Another intro/);
});

test('the values are found as the page writes them: escaped wildcards, any case', () => {
  const before = '## Portal\n\nAllow:\n\n```\nportal.example.com\n```\n';
  const after = before.replace('portal.example.com\n', 'portal.example.com\n\\*.Portal.Example.com\n');
  const { text } = documentContext(before, after, ['*.portal.example.com']);
  assert.ok(text.split('\n').includes('+\\*.Portal.Example.com'), text);
});

test('bounded: hunks past maxHunks are counted, long lines are cut around the endpoint', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `|Region ${i}|10.0.${i}.1|`);
  const before = `## Big\n\nIntro.\n\n|Region|IP|\n|---|---|\n${rows.map((r) => `${r}\n\nfiller\n\nfiller\n`).join('')}`;
  const after = before.replaceAll(/\|10\.0\.(\d+)\.1\|/g, '|10.0.$1.1, 10.9.$1.9|');
  const values = rows.map((_, i) => `10.9.${i}.9`);
  const { text, hunks, omitted } = documentContext(before, after, values, { maxHunks: 4 });
  assert.equal(hunks, 4);
  assert.equal(omitted, 26);
  assert.match(text, /… 26 more place\(s\) in the document$/);

  const long = `|EU1|${Array.from({ length: 60 }, (_, i) => `20.1.1.${i}`).join(', ')}|`;
  const grown = long.replace('|', '|').replace(/\|$/, ', 20.250.250.250|');
  const cutText = documentContext(`x\n\n${long}\n`, `x\n\n${grown}\n`, ['20.250.250.250'], { maxLineLength: 80 }).text;
  const added = cutText.split('\n').find((l) => l.startsWith('+'))!;
  assert.ok(added.length <= 90, added);
  assert.match(added, /20\.250\.250\.250/);
});

test('a document rewritten wholesale is not diffed line by line', () => {
  const before = Array.from({ length: 30_000 }, (_, i) => `line ${i}`).join('\n');
  const after = Array.from({ length: 30_000 }, (_, i) => `other ${i}`).join('\n');
  const { text, hunks } = documentContext(before, after, ['10.0.0.1']);
  assert.equal(hunks, 0);
  assert.match(text, /changed too much/);
});
