import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPorts, portsFromProse } from './ports.js';

test('prose ports: "TCP 443 & 8443", with or without the word port; other numbers ignored', () => {
  assert.equal(formatPorts(portsFromProse('Allow TCP 443 & 8443 to the following addresses:')), 'TCP 443, 8443');
  assert.equal(formatPorts(portsFromProse('Allow TCP 443 &amp; 8443 outbound.')), 'TCP 443, 8443');
  assert.equal(formatPorts(portsFromProse('Open UDP ports 3478-3481 and TCP 443.')), 'TCP 443; UDP 3478-3481');
  assert.equal(formatPorts(portsFromProse('Add outbound port 443 for these IPs.')), 'port 443');
  assert.equal(formatPorts(portsFromProse('TCP ports 80 and 443')), 'TCP 80, 443');
  // No protocol or "port" next to the numbers: dates, counts and versions are not ports.
  assert.equal(formatPorts(portsFromProse('Since 2023, 40 new addresses use TLS 1.2 over TCP.')), 'no ports stated');
  assert.equal(formatPorts(portsFromProse('TCP 443.5 is not a port')), 'no ports stated');
});
