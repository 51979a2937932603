/**
 * `lookup` over the stored history: a snapshot repository built by dated `run`s
 * (ENDPOINT_WATCH_NOW dates the commits). A host removed on 2023-11-26 is answered with "was
 * listed until 2023-11-26", still exit 1; a match shows its ports and Required flag.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-run.js';

let dir: string;

/** The Microsoft 365 endpoints web service's JSON (sets written for this test). */
function page(proxyHosts: string[]): string {
  const set = (id: number, urls: string[], tcpPorts: string, required: boolean) => ({
    id,
    serviceArea: 'Common',
    serviceAreaDisplayName: 'Proxy',
    urls,
    tcpPorts,
    expressRoute: false,
    category: 'Default',
    required,
  });
  return JSON.stringify([set(1, proxyHosts, '443', true), set(2, ['portal.contoso-cloud.com'], '443,8443', false)]);
}

const cli = (args: string[], now?: string) =>
  runCli(args, { cwd: dir, env: { ...process.env, ...(now ? { ENDPOINT_WATCH_NOW: now } : {}) } });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-lookup-history-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    'snapshotDir: ./snapshots\nsources:\n  - id: cas\n    url: ./page.json\n    format: m365-json\n',
  );
  const versions: Array<[string, string[]]> = [
    ['2023-10-02T09:00:00Z', ['mcasproxy.azureedge.net', 'a.cas.contoso-cloud.com']],
    ['2023-11-01T09:00:00Z', ['mcasproxy.azureedge.net', 'a.cas.contoso-cloud.com', 'b.cas.contoso-cloud.com']],
    ['2023-11-26T09:00:00Z', ['a.cas.contoso-cloud.com', 'b.cas.contoso-cloud.com']],
  ];
  for (const [now, hosts] of versions) {
    await writeFile(join(dir, 'page.json'), page(hosts));
    const run = await cli(['run'], now);
    assert.equal(run.code, 0, run.stderr);
  }
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a value no longer listed: "was listed until", exit 1; --json has listedUntil', { timeout: 60_000 }, async () => {
  const text = await cli(['lookup', 'mcasproxy.azureedge.net']);
  assert.equal(text.code, 1, 'not listed now');
  assert.match(text.stderr, /mcasproxy\.azureedge\.net: not listed by any source now/);
  assert.match(
    text.stdout,
    /^cas: mcasproxy\.azureedge\.net \(fqdn\) was listed until 2023-11-26 \(Proxy, \[1: Proxy\]\), from 2023-10-02, TCP 443, Required$/m,
  );
  const json = await cli(['lookup', 'mcasproxy.azureedge.net', '--json']);
  assert.equal(json.code, 1);
  const answer = JSON.parse(json.stdout) as {
    matches: unknown[];
    listedUntil: Array<{
      source: string;
      value: string;
      section: string;
      from: string;
      until: string;
      required: boolean;
      ports: { tcp: string[] };
    }>;
  };
  assert.deepEqual(answer.matches, []);
  assert.equal(answer.listedUntil.length, 1);
  assert.deepEqual(
    [
      answer.listedUntil[0]!.source,
      answer.listedUntil[0]!.section,
      answer.listedUntil[0]!.from,
      answer.listedUntil[0]!.until,
    ],
    ['cas', 'Proxy', '2023-10-02', '2023-11-26'],
  );
  assert.equal(answer.listedUntil[0]!.required, true);
  assert.deepEqual(answer.listedUntil[0]!.ports.tcp, ['443']);

  const never = await cli(['lookup', 'never.example.org', '--json']);
  assert.equal(never.code, 1);
  assert.deepEqual(JSON.parse(never.stdout), { matches: [], listedUntil: [] });
});

test('a match shows ports, the Required flag and since when', { timeout: 60_000 }, async () => {
  const listed = await cli(['lookup', 'b.cas.contoso-cloud.com']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^cas: b\.cas\.contoso-cloud\.com \(fqdn\) Proxy \[1: Proxy\], TCP 443, Required, listed since 2023-11-01$/m,
  );
  const optional = await cli(['lookup', 'portal.contoso-cloud.com', '--json']);
  const match = (
    JSON.parse(optional.stdout) as { matches: Array<{ required: boolean; ports: { tcp: string[] }; since: string }> }
  ).matches[0]!;
  assert.equal(match.required, false);
  assert.deepEqual(match.ports.tcp, ['443', '8443']);
  assert.equal(match.since, '2023-10-02');
});
