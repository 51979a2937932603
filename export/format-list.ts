/**
 * The export formats by id and description, without their code: what `export --help` and the
 * option's choices show, so the command line can list them without loading the renderers
 * (export/formats.ts; export/format-list.test.ts keeps the two in step).
 */
export const EXPORT_FORMAT_LIST: ReadonlyArray<{ id: string; description: string }> = [
  { id: 'cidr', description: 'IPv4 and IPv6 ranges as CIDRs, one per line (/32 and /128 included)' },
  { id: 'ipv4', description: 'IPv4 ranges as CIDRs, one per line' },
  { id: 'ipv6', description: 'IPv6 ranges as CIDRs, one per line' },
  {
    id: 'fqdn',
    description: 'host names, wildcards included as written (*.example.com, *x.example.com), one per line',
  },
  { id: 'fqdn-exact', description: 'exact host names only (no wildcards or placeholders), one per line' },
  {
    id: 'csv',
    description: 'CSV (RFC 4180): source, kind, value, section, region, group, ports, required, expressRoute, role',
  },
  { id: 'json', description: 'JSON array of entries' },
  { id: 'edl', description: 'Palo Alto external dynamic list, type IP Address: IPv4/IPv6 CIDRs, one per line' },
  { id: 'edl-url', description: 'Palo Alto external dynamic list, type URL: host names, wildcards as *.example.com' },
  {
    id: 'pac',
    description: 'proxy auto-config: catalogued hosts and IPv4 ranges go DIRECT, the rest to --pac-fallback',
  },
];

export const PAC_FALLBACK_EXAMPLE = '"PROXY proxy.corp.example:3128" or "DIRECT"';
