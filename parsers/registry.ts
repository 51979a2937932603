/**
 * Every document format the tool reads, by id. Adding a format is one module plus one line here;
 * parsers/registry.test.ts checks every registered id against a fixture.
 */
import type { ParseResult } from '../catalog/model.js';
import { ParseError } from '../errors/index.js';
import type { DocumentParser, TextDocument } from './types.js';
import { markdownParser } from './markdown/index.js';
import { m365JsonParser } from './m365-json/index.js';
import { m365UrlsParser } from './m365-urls/index.js';
import { htmlParser } from './html/index.js';
import { awsIpRangesParser } from './aws-ip-ranges/index.js';
import { azureServiceTagsParser } from './azure-service-tags/index.js';
import { googleIpRangesParser } from './google-ip-ranges/index.js';
import { gitHubMetaParser } from './github-meta/index.js';
import { plainListParser } from './plain-list/index.js';
import { oktaIpRangesParser } from './okta-ip-ranges/index.js';
import { atlassianIpRangesParser } from './atlassian-ip-ranges/index.js';
import { zscalerIpRangesParser } from './zscaler-ip-ranges/index.js';

export const parsers: ReadonlyMap<string, DocumentParser> = new Map<string, DocumentParser>([
  [markdownParser.id, markdownParser],
  [m365JsonParser.id, m365JsonParser],
  [m365UrlsParser.id, m365UrlsParser],
  [htmlParser.id, htmlParser],
  [awsIpRangesParser.id, awsIpRangesParser],
  [azureServiceTagsParser.id, azureServiceTagsParser],
  [googleIpRangesParser.id, googleIpRangesParser],
  [gitHubMetaParser.id, gitHubMetaParser],
  [plainListParser.id, plainListParser],
  [oktaIpRangesParser.id, oktaIpRangesParser],
  [atlassianIpRangesParser.id, atlassianIpRangesParser],
  [zscalerIpRangesParser.id, zscalerIpRangesParser],
]);

/** The parser named by `format`, or the one most confident it reads the document. */
export function selectParser(doc: TextDocument, format?: string | null): DocumentParser {
  if (format) {
    const named = parsers.get(format);
    if (!named) throw new ParseError(`unknown format "${format}" (known: ${[...parsers.keys()].join(', ')})`);
    return named;
  }
  let best: { parser: DocumentParser; score: number } | null = null;
  for (const parser of parsers.values()) {
    const score = parser.detect(doc);
    if (score > 0 && (!best || score > best.score)) best = { parser, score };
  }
  if (!best)
    throw new ParseError(
      `${doc.location}: no parser recognises this document (content type ${doc.contentType ?? 'unknown'})`,
    );
  return best.parser;
}

/** Parses `doc` with the parser `format` names, or the one detected: entries, shape and warnings. */
export function parseWith(doc: TextDocument, format?: string | null): { parser: DocumentParser; result: ParseResult } {
  const parser = selectParser(doc, format);
  return { parser, result: parser.parse(doc) };
}
