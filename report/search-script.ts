/**
 * The page's only script, inlined (its hash is in the page's Content-Security-Policy): a search
 * over the JSON block `#ew-data` for an address, CIDR or host, in the entries listed now and in
 * every change line. A full address or CIDR matches the listed CIDRs that contain it (IPv4 and
 * IPv6, with BigInt); a host matches `*.x`, `x*.y` and `<tenant>.x` patterns; anything else is a
 * substring of a value or of a change line. Results are built with textContent, never as HTML.
 * Plain ES2020 in a string, so it runs as written from file:// or any static host; the browser
 * test in test/history-report.test.ts runs it.
 */
export const SEARCH_SCRIPT = String.raw`(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('ew-data').textContent);
  const form = document.getElementById('search');
  const input = document.getElementById('q');
  const status = document.getElementById('search-status');
  const results = document.getElementById('results');
  const LIMIT = 100;

  function ipv4(text) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (!m) return null;
    let n = 0n;
    for (let i = 1; i <= 4; i++) {
      const byte = Number(m[i]);
      if (byte > 255) return null;
      n = (n << 8n) | BigInt(byte);
    }
    return n;
  }
  function ipv6(text) {
    if (!text.includes(':')) return null;
    let t = text;
    const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
    if (dotted) {
      const n = ipv4(dotted[1]);
      if (n === null) return null;
      t = t.slice(0, -dotted[1].length) + (n >> 16n).toString(16) + ':' + (n & 0xffffn).toString(16);
    }
    const halves = t.split('::');
    if (halves.length > 2) return null;
    const head = halves[0] ? halves[0].split(':') : [];
    const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
    const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
    if (fill < 0) return null;
    const groups = head.concat(new Array(fill).fill('0'), tail);
    if (groups.length !== 8) return null;
    let n = 0n;
    for (const g of groups) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      n = (n << 16n) | BigInt('0x' + g);
    }
    return n;
  }
  /** An address or CIDR as {n, bits, prefix}, or null. */
  function network(text) {
    const parts = text.split('/');
    if (parts.length > 2) return null;
    let n = ipv4(parts[0]);
    let bits = 32;
    if (n === null) {
      n = ipv6(parts[0]);
      bits = 128;
    }
    if (n === null) return null;
    const prefix = parts.length === 1 ? bits : /^\d{1,3}$/.test(parts[1]) ? Number(parts[1]) : -1;
    if (prefix < 0 || prefix > bits) return null;
    return { n, bits, prefix };
  }
  function contains(outer, inner) {
    if (!outer || outer.bits !== inner.bits || outer.prefix > inner.prefix) return false;
    const shift = BigInt(outer.bits - outer.prefix);
    return outer.n >> shift === inner.n >> shift;
  }
  const networks = new Map();
  function networkOf(value) {
    if (!networks.has(value)) networks.set(value, network(value));
    return networks.get(value);
  }
  const patterns = new Map();
  /** A host pattern as a regular expression: * is anything, <tenant> one label. */
  function patternOf(value) {
    if (!patterns.has(value)) {
      const re = /[*<]/.test(value)
        ? new RegExp('^' + value.split(/(\*|<[^>]*>)/).map((part, i) =>
            i % 2 ? (part === '*' ? '.*' : '[^.]+') : part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')).join('') + '$')
        : null;
      patterns.set(value, re);
    }
    return patterns.get(value);
  }
  function matches(query, queryNetwork, kind, values, line) {
    for (const raw of values) {
      const value = raw.toLowerCase();
      if (queryNetwork) {
        if (kind === 'ip' && contains(networkOf(value), queryNetwork)) return true;
        continue;
      }
      if (value.includes(query)) return true;
      if (kind === 'fqdn') {
        const re = patternOf(value);
        if (re && re.test(query)) return true;
      }
    }
    return !queryNetwork && line !== null && line.toLowerCase().includes(query);
  }
  function row(parts, href) {
    const li = document.createElement('li');
    for (const [className, text] of parts) {
      if (!text) continue;
      const span = document.createElement('span');
      span.className = className;
      span.textContent = text;
      li.append(span, ' ');
    }
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'in the timeline';
      li.append(a);
    }
    return li;
  }
  function search() {
    const query = input.value.trim().toLowerCase();
    results.replaceChildren();
    if (!query) {
      status.textContent = '';
      return;
    }
    const queryNetwork = network(query);
    const rows = [];
    let listed = 0;
    let changes = 0;
    for (const source of data.sources) {
      for (const [kind, value, place, ports] of source.entries) {
        if (!matches(query, queryNetwork, kind, [value], null)) continue;
        listed += 1;
        if (rows.length < LIMIT)
          rows.push(row([['source', source.id], ['tag listed', 'listed now'], ['value', value], ['place', place], ['ports', ports]]));
      }
      for (const [anchor, date, kind, severity, values, line] of source.changes) {
        if (!matches(query, queryNetwork, kind, values, line)) continue;
        changes += 1;
        if (rows.length < LIMIT)
          rows.push(row([['source', source.id], ['date', date], ['tag ' + severity, severity], ['line', line]], '#' + anchor));
      }
    }
    results.append(...rows);
    const total = listed + changes;
    status.textContent = total === 0
      ? 'Nothing listed now or in any change matches "' + input.value.trim() + '".'
      : listed + ' listed now, ' + changes + ' change line' + (changes === 1 ? '' : 's') +
        (total > rows.length ? ' (the first ' + rows.length + ' are shown)' : '') + '.';
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  input.addEventListener('input', search);
  if (location.hash.startsWith('#q=')) {
    input.value = decodeURIComponent(location.hash.slice(3));
    search();
  }
})();
`;
