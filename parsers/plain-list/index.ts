/**
 * Plain lists: one IP address, CIDR, host name or URL per line, `#` comments (a whole line, or
 * after the value), blank lines. Cloudflare's `ips-v4` / `ips-v6` and most vendors' text lists.
 * Entries have no section and no region: a comment line is free text (often a date), so it
 * names nothing an entry could be identified by.
 *
 * A line that is not one endpoint is a warning, never dropped in silence. Detection is
 * conservative: only when (nearly) every line that is not a comment is one endpoint, and never
 * for JSON, HTML or XML, so a markdown page, an HTML error page or prose is never taken for a list.
 */
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { catalogEntry } from '../../catalog/entry.js';
import { entriesPerSection } from '../../catalog/canonical.js';
import { classifyToken, type ClassifiedToken } from '../../catalog/normalize.js';
import { EmptyDocumentError, ParseError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';

export const PLAIN_LIST_FORMAT = 'plain-list';

/** Warnings listed one by one, at most; the rest are counted. */
const MAX_WARNINGS = 20;

/** Lines looked at to detect the format: enough to judge, bounded for a list of 100k lines. */
const DETECT_LINES = 2000;

type Line = { kind: 'blank' } | { kind: 'endpoint'; token: ClassifiedToken } | { kind: 'other'; text: string };

/** A `#` at the start of the line or after a blank starts a comment; one inside a URL does not. */
const COMMENT = /(?:^|\s)#.*$/;

function readLine(line: string): Line {
  const text = line.replace(COMMENT, '').trim();
  if (!text) return { kind: 'blank' };
  if (/\s/.test(text)) return { kind: 'other', text };
  const token = classifyToken(text);
  return token ? { kind: 'endpoint', token } : { kind: 'other', text };
}

export function parsePlainList(doc: TextDocument): ParseResult {
  const lines = doc.text.split(/\r?\n/);
  const entries: CatalogEntry[] = [];
  const unread: string[] = [];
  lines.forEach((line, index) => {
    const read = readLine(line);
    if (read.kind === 'endpoint')
      entries.push(catalogEntry({ kind: read.token.kind, value: read.token.value, provenance: { line: index + 1 } }));
    else if (read.kind === 'other')
      unread.push(`line ${index + 1}: "${read.text.slice(0, 80)}" is not one IP address, CIDR, host name or URL`);
  });
  if (entries.length === 0) {
    if (unread.length === 0)
      throw new EmptyDocumentError(PLAIN_LIST_FORMAT, `${doc.location}: a list with comments only, and no endpoint`);
    throw new ParseError(
      `${doc.location}: not a list of endpoints: none of its ${unread.length} line(s) is an IP address, CIDR or host (${unread[0]})`,
    );
  }
  const warnings = unread.slice(0, MAX_WARNINGS);
  if (unread.length > MAX_WARNINGS)
    warnings.push(`and ${unread.length - MAX_WARNINGS} more lines that are not endpoints`);
  return {
    entries,
    shape: {
      format: PLAIN_LIST_FORMAT,
      tables: 1,
      rows: entries.length,
      columns: [],
      entriesPerSection: entriesPerSection(entries),
    },
    warnings,
  };
}

/**
 * 0.8 (above markdown's 0.7 for a page with a heading, which a `# comment` looks like) when
 * at least 19 of every 20 lines read are one endpoint each; 0.4 for a markdown file or type
 * (markdown keeps it); 0 otherwise.
 */
export function detectPlainList(doc: TextDocument): number {
  const type = doc.contentType?.toLowerCase() ?? '';
  if (/json|html|xml/.test(type)) return 0;
  if (/^\s*[[{<]/.test(doc.text.slice(0, 256))) return 0;
  let endpoints = 0;
  let others = 0;
  let from = 0;
  while (from <= doc.text.length && endpoints + others < DETECT_LINES) {
    const end = doc.text.indexOf('\n', from);
    const line = doc.text.slice(from, end < 0 ? undefined : end);
    from = end < 0 ? doc.text.length + 1 : end + 1;
    const read = readLine(line);
    if (read.kind === 'endpoint') endpoints += 1;
    else if (read.kind === 'other') others += 1;
  }
  if (endpoints === 0 || others * 20 > endpoints + others) return 0;
  const markdown = type.includes('markdown') || /\.(?:md|markdown)(?:[?#].*)?$/i.test(doc.location);
  return markdown ? 0.4 : 0.8;
}

export const plainListParser: DocumentParser = {
  id: PLAIN_LIST_FORMAT,
  description: 'Plain lists: one IP, CIDR or host per line, # comments (Cloudflare ips-v4/ips-v6, vendor text lists)',
  syntax: 'text',
  detect: detectPlainList,
  parse: parsePlainList,
};
