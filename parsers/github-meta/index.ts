/**
 * GitHub's `meta` API answer (`https://api.github.com/meta`, and GitHub Enterprise Server's
 * `/api/v3/meta`): an object whose keys that hold a list of CIDRs (`hooks`, `web`, `api`,
 * `git`, `actions`, `pages`, `copilot`, ...) are each a section, and `domains`, an object of
 * lists of hosts (`website`, `codespaces`, ...; some are objects of lists themselves, e.g.
 * `actions_inbound.full_domains`), whose lists are sections `domains.<name>[.<part>]`. Keys
 * that describe no endpoint (`verifiable_password_authentication`, `ssh_key_fingerprints`,
 * `ssh_keys`, `installed_version`, ...) are not read.
 *
 * The lists GitHub documents as where its traffic comes *from* (webhooks, Actions runners,
 * Dependabot, the importers) are `source` entries: a firewall owner allows them inbound.
 * The answer states no serial of its own (its ETag is kept by the fetcher).
 */
import { z } from 'zod';
import type { CatalogEntry, EndpointRole, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedEntry, feedShape, isRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const GITHUB_META_FORMAT = 'github-meta';

/** Keys of the answer that are not endpoint lists. */
const NOT_ENDPOINTS = new Set([
  'verifiable_password_authentication',
  'ssh_key_fingerprints',
  'ssh_keys',
  'installed_version',
]);

/** Lists of addresses GitHub's own traffic originates from. */
const SOURCE_LISTS = new Set([
  'hooks',
  'actions',
  'actions_macos',
  'dependabot',
  'importer',
  'github_enterprise_importer',
]);

/** Keys seen in every answer: one of them is enough to know the document. */
const KNOWN_LISTS = ['hooks', 'web', 'api', 'git', 'packages', 'pages', 'importer', 'actions', 'dependabot'];

const list = z.array(z.string());
const domainsSchema = z.record(z.string(), z.union([list, z.record(z.string(), z.union([list, z.string()]))]));

/** The answer, keys in document order; the lists and `domains` checked, with the path of what is wrong. */
const metaSchema = z.record(z.string(), z.unknown()).superRefine((meta, ctx) => {
  for (const [key, value] of Object.entries(meta)) {
    if (NOT_ENDPOINTS.has(key)) continue;
    // GitHub's own list keys must be lists; any other key holding an array is read as one too.
    const schema = key === 'domains' ? domainsSchema : Array.isArray(value) || KNOWN_LISTS.includes(key) ? list : null;
    const checked = schema?.safeParse(value);
    if (checked && !checked.success)
      for (const issue of checked.error.issues)
        ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
  }
});

export function parseGitHubMeta(doc: TextDocument): ParseResult {
  const meta = readFeed(doc, metaSchema, "GitHub's meta API answer (lists of CIDRs by service, domains)");
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  const sections: string[] = [];

  const read = (section: string, values: string[], expect: 'ip' | 'fqdn', role: EndpointRole) => {
    if (values.length === 0) return;
    const before = entries.length;
    const unread: string[] = [];
    for (const raw of values) {
      const line = lines.lineOf(raw);
      const entry = feedEntry(raw, { section, role }, { line, column: section }, expect, unread);
      if (entry) entries.push(entry);
    }
    // A list of no endpoint at all is some new key that is not an endpoint list: one warning, not one per value.
    if (entries.length === before)
      warnings.push(`${section}: ${values.length} value(s) and not one endpoint; not read`);
    else {
      warnings.push(...unread);
      sections.push(section);
    }
  };

  for (const [key, value] of Object.entries(meta)) {
    if (NOT_ENDPOINTS.has(key)) continue;
    if (Array.isArray(value)) {
      read(key, value as string[], 'ip', SOURCE_LISTS.has(key) ? 'source' : 'destination');
    } else if (key === 'domains' && isRecord(value)) {
      for (const [name, group] of Object.entries(value as z.infer<typeof domainsSchema>)) {
        if (Array.isArray(group)) read(`domains.${name}`, group, 'fqdn', 'destination');
        else
          for (const [part, hosts] of Object.entries(group)) {
            // A single host ("trust_domain"), empty when there is none.
            if (typeof hosts === 'string') read(`domains.${name}.${part}`, hosts ? [hosts] : [], 'fqdn', 'destination');
            else read(`domains.${name}.${part}`, hosts, 'fqdn', 'destination');
          }
      }
    } else if (isRecord(value)) {
      warnings.push(`${key}: an object this parser does not know; not read`);
    }
  }
  const ipLists = sections.some((s) => !s.startsWith('domains.'));
  const domainLists = sections.some((s) => s.startsWith('domains.'));
  const lists = (ipLists ? 1 : 0) + (domainLists ? 1 : 0);
  if (entries.length === 0)
    throw new EmptyDocumentError(
      GITHUB_META_FORMAT,
      `${doc.location}: GitHub's meta answer lists no address and no host`,
    );
  const topLevel = [...new Set(sections.map((s) => s.split('.')[0]!))];
  return {
    entries,
    shape: feedShape(GITHUB_META_FORMAT, lists, sections.length, [topLevel], entries),
    warnings,
  };
}

/** Certain with GitHub's own keys: the password flag, or two of the lists it always has. */
export function detectGitHubMeta(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  if (typeof root.verifiable_password_authentication === 'boolean') return 0.95;
  const known = KNOWN_LISTS.filter((key) => Array.isArray(root[key])).length;
  return known >= 2 ? 0.9 : 0;
}

export const gitHubMetaParser: DocumentParser = {
  id: GITHUB_META_FORMAT,
  description: "GitHub's meta API (a section per list of CIDRs, domains.<name> for hosts)",
  syntax: 'json',
  detect: detectGitHubMeta,
  parse: parseGitHubMeta,
};
