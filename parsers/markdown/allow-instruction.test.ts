import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownParser } from './index.js';

// Our own wording, in the shapes the real pages use for requirements written as sentences.
const PAGE = `# Network requirements

## Log collector

- Allow the collector to open outbound traffic to the storage account (https://examplestore.blob.core.windows.net/) on port 443.

> [!NOTE]
> If no proxy is set, you need to allow http connections to http://ocsp.example-ca.com/ and crl.example-ca.com on port 80. This checks certificate revocation.

## Portal

Instead of the wildcard you can allow traffic to your tenant only, for example contoso.portal.example.com.

Starting next month the access endpoint changes to \`access.example.ms\`. Update your rules.

Version 10.2.3.4 of the agent allows outbound connections on port 443.
`;

const parse = () => markdownParser.parse({ location: 'page.md', text: PAGE, contentType: 'text/markdown' });

test('an allow instruction in prose names endpoints, with the ports of its sentence', () => {
  const got = parse().entries.map((e) => [e.kind, e.value, e.section, [...e.ports.any, ...e.ports.tcp].join(',')]);
  assert.deepEqual(got, [
    // Origin-only URLs are their hosts (catalog/normalize.ts).
    ['fqdn', 'examplestore.blob.core.windows.net', 'Log collector', '443'],
    ['fqdn', 'ocsp.example-ca.com', 'Log collector', '80'],
    ['fqdn', 'crl.example-ca.com', 'Log collector', '80'],
  ]);
});

test('examples, announcements and bare addresses in prose are not taken for instructions', () => {
  const values = parse().entries.map((e) => e.value);
  assert.ok(!values.includes('contoso.portal.example.com'), 'an example is not a requirement');
  assert.ok(!values.includes('access.example.ms'), 'an announcement without an allow instruction');
  assert.ok(!values.some((v) => v.startsWith('10.2.3.4')), 'a version number is no address');
});
