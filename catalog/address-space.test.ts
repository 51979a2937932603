import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregate,
  cidrNotation,
  contains,
  countAddresses,
  countText,
  difference,
  intersection,
  parseIpQuery,
  rangeOf,
  rangeToCidrs,
  spaceContains,
  spaceOf,
  spacesEqual,
  union,
} from './address-space.js';

test('a /24 and the two /25s it splits into cover the same space', () => {
  assert.ok(spacesEqual(spaceOf(['13.64.0.0/24']), spaceOf(['13.64.0.128/25', '13.64.0.0/25'])));
  assert.deepEqual(aggregate(['13.64.0.0/25', '13.64.0.128/25']), ['13.64.0.0/24']);
});

test('adjacent ranges merge, but only into aligned blocks', () => {
  assert.deepEqual(aggregate(['10.0.0.0/24', '10.0.1.0/24']), ['10.0.0.0/23']);
  // 10.0.1.0/24 + 10.0.2.0/24 is contiguous but not a /23 (not aligned): two blocks stay.
  assert.deepEqual(aggregate(['10.0.2.0/24', '10.0.1.0/24']), ['10.0.1.0/24', '10.0.2.0/24']);
  assert.deepEqual(aggregate(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/23']), ['10.0.0.0/22']);
});

test('a range inside a larger listed one disappears', () => {
  assert.deepEqual(aggregate(['20.190.128.0/18', '20.190.130.0/24', '20.190.150.7']), ['20.190.128.0/18']);
  assert.ok(spacesEqual(spaceOf(['20.190.128.0/18', '20.190.130.0/24']), spaceOf(['20.190.128.0/18'])));
});

test('growth from /25 to /24 is a real change of 128 addresses', () => {
  const before = spaceOf(['13.64.0.0/25']);
  const after = spaceOf(['13.64.0.0/24']);
  assert.equal(spacesEqual(before, after), false);
  assert.equal(countAddresses(difference(after, before)).ipv4, 128n);
  assert.equal(countAddresses(difference(before, after)).ipv4, 0n);
  assert.ok(spaceContains(after, before));
  assert.equal(spaceContains(before, after), false);
});

test('IPv6: /40 split into two /41s, and counts beyond 2^53', () => {
  assert.deepEqual(aggregate(['2603:1006:0:0::/41', '2603:1006:80::/41']), ['2603:1006::/40']);
  assert.deepEqual(aggregate(['2603:1006::/40', '2603:1006:100::/40']), ['2603:1006::/39']);
  // 2603:1007::/40 is not next to 2603:1006::/40 (a /40 ends at 2603:1006:ff:ffff:...).
  assert.deepEqual(aggregate(['2603:1007::/40', '2603:1006::/40']), ['2603:1006::/40', '2603:1007::/40']);
  const counts = countAddresses(spaceOf(['2603:1006::/40']));
  assert.equal(counts.ipv6, 2n ** 88n);
  assert.equal(counts.ipv4, 0n);
  assert.equal(countText(counts.ipv6), '309485009821345068724781056');
});

test('IPv4 and IPv6 stay separate spaces', () => {
  const space = spaceOf(['13.64.0.0/24', '2603:1006::/40', '::ffff:13.64.0.0/120']);
  assert.equal(space.ipv4.length, 1);
  assert.equal(space.ipv6.length, 2);
  // The IPv4-mapped CIDR written in a catalog is IPv6 space and does not merge with the IPv4 range.
  assert.deepEqual(aggregate(['13.64.0.0/24', '::ffff:13.64.0.0/120']), ['13.64.0.0/24', '::ffff:d40:0/120']);
});

test('non-aligned unions are written as the fewest CIDRs', () => {
  // 10.0.0.1 .. 10.0.0.6 as a union of single addresses.
  const values = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
  assert.deepEqual(aggregate(values), ['10.0.0.1', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6']);
  assert.deepEqual(rangeToCidrs({ family: 'ipv4', start: 0n, end: 2n ** 32n - 1n }), ['0.0.0.0/0']);
  assert.deepEqual(rangeToCidrs({ family: 'ipv4', start: 1n, end: 2n ** 32n - 2n }).length, 62);
});

test('aggregate writes canonical values: no /32 or /128, IPv4 before IPv6, numeric order', () => {
  assert.deepEqual(aggregate(['2603:1006::1/128', '104.209.35.177/32', '13.64.196.27', '13.64.196.27/32']), [
    '13.64.196.27',
    '104.209.35.177',
    '2603:1006::1',
  ]);
  assert.deepEqual(aggregate([]), []);
});

test('host bits set in a CIDR: the network it names is covered (bits masked)', () => {
  const range = rangeOf('10.1.2.3/24');
  assert.equal(range.start, rangeOf('10.1.2.0').start);
  assert.equal(range.end, rangeOf('10.1.2.255').start);
  assert.deepEqual(aggregate(['10.1.2.3/24']), ['10.1.2.0/24']);
  assert.ok(contains('10.1.2.3/24', '10.1.2.200'));
  assert.equal(cidrNotation('10.1.2.3/24'), '10.1.2.0/24');
  assert.equal(cidrNotation('10.1.2.3'), '10.1.2.3/32');
  assert.equal(cidrNotation('2603:1006::1'), '2603:1006::1/128');
});

test('union, intersection and difference of covered space', () => {
  const a = spaceOf(['10.0.0.0/24']);
  const b = spaceOf(['10.0.0.128/25', '10.0.1.0/24']);
  assert.deepEqual(aggregate(union(a, b).ipv4.flatMap(rangeToCidrs)), ['10.0.0.0/23']);
  assert.deepEqual(intersection(a, b).ipv4.flatMap(rangeToCidrs), ['10.0.0.128/25']);
  assert.deepEqual(difference(a, b).ipv4.flatMap(rangeToCidrs), ['10.0.0.0/25']);
  assert.deepEqual(difference(b, a).ipv4.flatMap(rangeToCidrs), ['10.0.1.0/24']);
  // A hole punched in the middle of a range.
  assert.deepEqual(difference(spaceOf(['10.0.0.0/24']), spaceOf(['10.0.0.64/26'])).ipv4.flatMap(rangeToCidrs), [
    '10.0.0.0/26',
    '10.0.0.128/25',
  ]);
  // Several cuts inside one range, cuts outside it, and a cut covering its end.
  const cut = difference(
    spaceOf(['10.0.0.0/24', '10.0.2.0/24']),
    spaceOf(['9.0.0.0/8', '10.0.0.16/28', '10.0.0.64/27', '10.0.0.240/28', '10.0.2.0/23']),
  );
  assert.deepEqual(cut.ipv4.flatMap(rangeToCidrs), [
    '10.0.0.0/28',
    '10.0.0.32/27',
    '10.0.0.96/27',
    '10.0.0.128/26',
    '10.0.0.192/27',
    '10.0.0.224/28',
  ]);
  assert.equal(
    countAddresses(intersection(spaceOf(['2603:1006::/40']), spaceOf(['2603:1006:80::/41', '2603:1007::/48']))).ipv6,
    2n ** 87n,
  );
});

test('contains: CIDR containment of addresses and CIDRs, both families', () => {
  assert.ok(contains('13.64.0.0/16', '13.64.255.255'));
  assert.equal(contains('13.64.0.0/16', '13.65.0.0'), false);
  assert.ok(contains('13.64.0.0/16', '13.64.4.0/24'));
  assert.equal(contains('13.64.0.0/24', '13.64.0.0/16'), false);
  assert.ok(contains('2603:1006::/40', '2603:1006:10::1'));
  assert.equal(contains('2603:1006::/40', '2603:1007::1'), false);
  assert.ok(contains('52.108.0.1', '52.108.0.1'));
  // IPv4-mapped IPv6 query counts as IPv4; families never match otherwise.
  assert.ok(contains('13.64.0.0/16', '::ffff:13.64.1.1'));
  assert.equal(contains('::/0', '13.64.1.1'), false);
  assert.equal(contains('13.64.0.0/16', 'not-an-ip'), false);
  assert.throws(() => contains('outlook.office.com', '13.64.1.1'));
});

test('parseIpQuery accepts addresses and CIDRs people type, and nothing else', () => {
  assert.deepEqual(parseIpQuery(' 13.64.0.5 '), { family: 'ipv4', start: 0x0d400005n, end: 0x0d400005n });
  assert.deepEqual(parseIpQuery('::ffff:0:0/96'), { family: 'ipv4', start: 0n, end: 2n ** 32n - 1n });
  assert.equal(parseIpQuery('2603:1006::/40')?.family, 'ipv6');
  for (const bad of [
    '10.1',
    '0x0a.1.2.3',
    '10.0.0.256',
    '10.0.0.0/33',
    '10.0.0.0/a',
    '10.0.0.0/8/8',
    'office.com',
    '',
    '2603:::1',
  ]) {
    assert.equal(parseIpQuery(bad), null, bad);
  }
});

test('decimal IPv4 values are read as ipaddr.js reads them; other forms go to ipaddr.js', async () => {
  const ipaddr = (await import('ipaddr.js')).default;
  const viaIpaddr = (text: string) => {
    const [address, prefix] = text.includes('/') ? ipaddr.IPv4.parseCIDR(text) : [ipaddr.IPv4.parse(text), 32];
    const n = address.toByteArray().reduce((acc, b) => acc * 256 + b, 0);
    const size = 2 ** (32 - prefix);
    return { start: BigInt(n - (n % size)), end: BigInt(n - (n % size) + size - 1) };
  };
  for (const text of ['0.0.0.0/0', '255.255.255.255', '13.64.1.7/24', '10.0.0.1/31', '1.2.3.4/32', '52.108.0.0/14']) {
    const range = rangeOf(text);
    assert.equal(range.family, 'ipv4');
    assert.deepEqual({ start: range.start, end: range.end }, viaIpaddr(text), text);
  }
  // A leading zero is octal to ipaddr.js: it decides, not the decimal reader.
  assert.deepEqual(rangeOf('010.0.0.1').start, viaIpaddr('010.0.0.1').start);
  assert.equal(rangeOf(' 13.64.0.0/24 ').start, rangeOf('13.64.0.0/24').start);
  for (const bad of ['256.1.1.1', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/2x', '1..2.3'])
    assert.throws(() => rangeOf(bad), Error, bad);
});
