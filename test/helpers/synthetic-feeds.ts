/**
 * Feeds at their real size, generated on the fly (never committed as big files): an AWS
 * `ip-ranges.json` of ~17k prefixes (10.7k IPv4, 6.2k IPv6, as the real one has) and an Azure
 * Service Tags file of ~100k prefixes. Every prefix is distinct within its place, so a complete
 * parse yields exactly one entry per prefix, and `expected` says which place each one is in.
 */

/** A small deterministic generator (LCG): the same feed on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The i-th distinct IPv4 /24 (or /26, /28 ...) outside private space: 3.0.0.0 upwards. */
function ipv4Prefix(i: number, bits: number): string {
  const a = 3 + Math.floor(i / 65536);
  return `${a}.${(i >> 8) & 255}.${i & 255}.0/${bits}`;
}

/** The i-th distinct IPv6 /56 (or shorter) in 2600:1f00::/24, written canonically (no zero group). */
function ipv6Prefix(i: number, bits: number): string {
  const high = Math.floor(i / 0xffff) & 255;
  return `2600:1f${high.toString(16).padStart(2, '0')}:${((i % 0xffff) + 1).toString(16)}::/${bits}`;
}

export interface SyntheticEntry {
  value: string;
  section: string;
  region: string | null;
}

export interface SyntheticFeed {
  text: string;
  expected: SyntheticEntry[];
}

const AWS_SERVICES = ['AMAZON', 'EC2', 'S3', 'CLOUDFRONT', 'ROUTE53_HEALTHCHECKS', 'API_GATEWAY', 'DYNAMODB'];
const AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-2',
  'sa-east-1',
  'ca-central-1',
  'me-south-1',
  'af-south-1',
  'GLOBAL',
];

/** An AWS ip-ranges.json with `ipv4` IPv4 and `ipv6` IPv6 prefixes. */
export function syntheticAwsFeed(ipv4 = 10_700, ipv6 = 6_200): SyntheticFeed {
  const next = random(17);
  const expected: SyntheticEntry[] = [];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const place = () => {
    const service = pick(AWS_SERVICES);
    const region = pick(AWS_REGIONS);
    return { service, region, network_border_group: region };
  };
  const prefixes = Array.from({ length: ipv4 }, (_, i) => {
    const { service, region, network_border_group } = place();
    const ip_prefix = ipv4Prefix(i, 24);
    expected.push({ value: ip_prefix, section: service, region });
    return { ip_prefix, region, service, network_border_group };
  });
  const ipv6_prefixes = Array.from({ length: ipv6 }, (_, i) => {
    const { service, region, network_border_group } = place();
    const ipv6_prefix = ipv6Prefix(i, 56);
    expected.push({ value: ipv6_prefix, section: service, region });
    return { ipv6_prefix, region, service, network_border_group };
  });
  const feed = { syncToken: '1764547200', createDate: '2025-12-01-00-00-00', prefixes, ipv6_prefixes };
  return { text: JSON.stringify(feed, null, 2), expected };
}

const AZURE_SERVICES = ['AzureCloud', 'Storage', 'Sql', 'AzureMonitor', 'AppService', 'EventHub', 'AzureFrontDoor'];
const AZURE_REGIONS = [
  'eastus',
  'eastus2',
  'westus',
  'westus2',
  'centralus',
  'northeurope',
  'westeurope',
  'uksouth',
  'francecentral',
  'germanywestcentral',
  'swedencentral',
  'japaneast',
  'australiaeast',
  'southeastasia',
  'brazilsouth',
  'canadacentral',
];

/**
 * An Azure Service Tags file with `total` prefixes spread over tags of every service, one global
 * tag per service and one per service and region (as the real file has), a fifth of them IPv6.
 */
export function syntheticAzureFeed(total = 100_000): SyntheticFeed {
  const next = random(42);
  const tags: Array<{ name: string; region: string; systemService: string }> = [];
  for (const service of AZURE_SERVICES) {
    tags.push({ name: service, region: '', systemService: service === 'AzureCloud' ? '' : service });
    for (const region of AZURE_REGIONS)
      tags.push({ name: `${service}.${region}`, region, systemService: service === 'AzureCloud' ? '' : service });
  }
  const expected: SyntheticEntry[] = [];
  const perTag = Math.floor(total / tags.length);
  let v4 = 0;
  let v6 = 0;
  const values = tags.map((tag, t) => {
    const count = t === tags.length - 1 ? total - perTag * (tags.length - 1) : perTag;
    const addressPrefixes: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const value = next() < 0.2 ? ipv6Prefix(v6++, 48) : ipv4Prefix(v4++, 25 + Math.floor(next() * 4));
      addressPrefixes.push(value);
      expected.push({ value, section: tag.name, region: tag.region || null });
    }
    return {
      name: tag.name,
      id: tag.name,
      properties: {
        changeNumber: 1 + Math.floor(next() * 400),
        region: tag.region,
        regionId: tag.region ? AZURE_REGIONS.indexOf(tag.region) + 1 : 0,
        platform: 'Azure',
        systemService: tag.systemService,
        addressPrefixes,
        networkFeatures: ['API', 'NSG', 'UDR', 'FW'],
      },
    };
  });
  const feed = { changeNumber: 371, cloud: 'Public', values };
  return { text: JSON.stringify(feed, null, 2), expected };
}

/**
 * The Azure feed `text` with 0.5% of its prefixes removed (every 200th) and as many added (a
 * /32 in 198.0.0.0/8 each, overlapping nothing), spread over every tag, and its changeNumber
 * raised: a feed of n prefixes becomes n / 200 removals and n / 200 additions.
 */
export function changedAzureFeed(text: string): string {
  const feed = JSON.parse(text) as {
    changeNumber: number;
    values: Array<{ properties: { addressPrefixes: string[] } }>;
  };
  let k = 0;
  for (const tag of feed.values) {
    const prefixes = tag.properties.addressPrefixes;
    for (let i = prefixes.length - 1; i >= 0; i -= 1) {
      k += 1;
      if (k % 200 === 0) prefixes.splice(i, 1);
      else if (k % 200 === 100) prefixes.push(`198.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}/32`);
    }
  }
  feed.changeNumber += 1;
  return JSON.stringify(feed, null, 2);
}
