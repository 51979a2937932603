/**
 * The registered format ids, without the parsers: what the config's `format:` and `parse
 * --format` accept. The parsers themselves (remark, cheerio, zod schemas) are loaded only
 * where a document is parsed (the parse worker, parsers/registry.ts);
 * parsers/ids.test.ts keeps this list equal to the registry's.
 */
export const PARSER_IDS: readonly string[] = [
  'markdown',
  'm365-json',
  'm365-urls',
  'html',
  'aws-ip-ranges',
  'azure-service-tags',
  'google-ip-ranges',
  'github-meta',
  'plain-list',
  'okta-ip-ranges',
  'atlassian-ip-ranges',
  'zscaler-ip-ranges',
];
