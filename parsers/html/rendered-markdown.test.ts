/**
 * The HTML rendering of a document yields the same catalog as its markdown.
 *
 * Real markdown documents (the seeds, format milestones of the shared corpus, the markdown
 * parser's own layout fixtures) are rendered to HTML here, at test time, by a small mdast-to-HTML
 * renderer written for this test (headings, paragraphs, lists, quotes, code, tables, links,
 * breaks, raw HTML and DocFX rows as `<section class="row">` / `<div class="column">`, the way
 * DocFX renders them). Nothing rendered is stored in the repository.
 *
 * The renderer sees the document the way the markdown parser does (parsers/markdown/prepare.ts:
 * front matter dropped, header-less pipe tables made visible, row blocks lifted out), and renders
 * an all-empty header row as no `<thead>` at all, so header-less tables stay header-less in HTML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Nodes, Root, RootContent, Table } from 'mdast';
import { buildCatalog } from '../../catalog/canonical.js';
import { decodeEntities } from '../../catalog/normalize.js';
import { markdownParser } from '../markdown/index.js';
import { escapeWildcards, prepareDocument, type RowGroup } from '../markdown/prepare.js';
import { selectParser } from '../registry.js';
import { htmlParser } from './index.js';
import { withoutProvenance } from '../../test/helpers/parse-result.js';

const processor = unified().use(remarkParse).use(remarkGfm).freeze();
const parseMarkdownTree = (text: string): Root => processor.parse(text) as Root;

/** Tags a browser renders; anything else in angle brackets (`<tenant>`, `<AppName>`) is text a reader sees. */
const HTML_TAGS = new Set([
  'a',
  'b',
  'i',
  'u',
  'em',
  'strong',
  'span',
  'code',
  'sup',
  'sub',
  'br',
  'p',
  'div',
  'ul',
  'ol',
  'li',
  'table',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'img',
  'hr',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'small',
  'del',
  's',
  'kbd',
]);

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

function rawHtml(value: string): string {
  return value.replace(/<!--[\s\S]*?-->|<\/?([a-zA-Z][\w-]*)(?:\s[^>]*)?\/?>/g, (piece, name: string | undefined) =>
    name === undefined || HTML_TAGS.has(name.toLowerCase()) ? piece : escapeText(piece),
  );
}

function renderAll(nodes: Nodes[]): string {
  return nodes.map(render).join('');
}

function renderTable(table: Table): string {
  const [head, ...body] = table.children;
  const row = (tag: 'td' | 'th', cells: Table['children'][number]['children']) =>
    `<tr>${cells.map((c) => `<${tag}>${renderAll(c.children)}</${tag}>`).join('')}</tr>`;
  const thead = head?.children.some((c) => c.children.length > 0)
    ? `<thead>\n${row('th', head.children)}\n</thead>\n`
    : '';
  return `<table>\n${thead}<tbody>\n${body.map((r) => row('td', r.children)).join('\n')}\n</tbody>\n</table>\n`;
}

function render(node: Nodes): string {
  switch (node.type) {
    case 'root':
      return renderAll(node.children);
    case 'heading':
      return `<h${node.depth}>${renderAll(node.children)}</h${node.depth}>\n`;
    case 'paragraph':
      return `<p>${renderAll(node.children)}</p>\n`;
    case 'blockquote':
      return `<blockquote>\n${renderAll(node.children)}</blockquote>\n`;
    case 'list':
      return node.ordered ? `<ol>\n${renderAll(node.children)}</ol>\n` : `<ul>\n${renderAll(node.children)}</ul>\n`;
    case 'listItem':
      return `<li>${renderAll(node.children)}</li>\n`;
    case 'code':
      return `<pre><code>${escapeText(node.value)}</code></pre>\n`;
    case 'table':
      return renderTable(node);
    case 'html':
      return rawHtml(node.value);
    case 'thematicBreak':
      return '<hr>\n';
    case 'text':
      return escapeText(node.value);
    case 'emphasis':
      return `<em>${renderAll(node.children)}</em>`;
    case 'strong':
      return `<strong>${renderAll(node.children)}</strong>`;
    case 'delete':
      return `<del>${renderAll(node.children)}</del>`;
    case 'inlineCode':
      return `<code>${escapeText(node.value)}</code>`;
    case 'break':
      return '<br>\n';
    case 'link':
      return `<a href="${escapeAttribute(node.url)}">${renderAll(node.children)}</a>`;
    case 'linkReference':
      return `<a href="#${escapeAttribute(node.identifier)}">${renderAll(node.children)}</a>`;
    case 'image':
    case 'imageReference':
      return `<img alt="${escapeAttribute(node.alt ?? '')}">`;
    default:
      // definitions, front matter, footnotes: nothing a reader sees in the text
      return '';
  }
}

function renderRowGroup(group: RowGroup): string {
  return group.rows
    .map((row) => {
      const columns = row.columns.map((column) => {
        // DocFX indents column content; like docfx.ts, dedent so it is not read as a code block.
        const source = column.lines.map((l) => escapeWildcards(l.replace(/^[ \t]+/, ''))).join('\n');
        return `  <div class="column">\n${render(parseMarkdownTree(source))}  </div>\n`;
      });
      return `<section class="row">\n${columns.join('')}</section>\n`;
    })
    .join('\n');
}

/** A whole page, with head, title and a <main> around the rendered document. */
function renderMarkdownPage(markdown: string): string {
  const prepared = prepareDocument(markdown);
  const tree = parseMarkdownTree(prepared.text);
  const groups = [...prepared.groups];
  const originalLine = (node: RootContent) => prepared.origin[(node.position?.start.line ?? 1) - 1] ?? 0;
  const parts: string[] = [];
  for (const node of tree.children) {
    while (groups[0] && groups[0].line < originalLine(node)) parts.push(renderRowGroup(groups.shift()!));
    parts.push(render(node));
  }
  for (const group of groups) parts.push(renderRowGroup(group));
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Rendered page</title></head>\n<body>\n<main>\n${parts.join('')}</main>\n</body>\n</html>\n`;
}

/** Parses `path` as markdown and its rendering as HTML, and checks both give one catalog. */
function assertSameCatalog(path: string): { entries: number } {
  const markdown = readFileSync(path, 'utf8');
  const html = renderMarkdownPage(markdown);
  const htmlDoc = { location: `${path}.html`, text: html, contentType: null };
  assert.equal(selectParser(htmlDoc).id, 'html', `${path}: the rendering goes to the html parser`);
  const fromMarkdown = markdownParser.parse({ location: path, text: markdown, contentType: 'text/markdown' });
  const fromHtml = htmlParser.parse(htmlDoc);
  const expected = buildCatalog('doc', fromMarkdown);
  const actual = buildCatalog('doc', fromHtml);
  assert.deepEqual(withoutProvenance(actual), withoutProvenance(expected), path);
  assert.deepEqual({ ...actual.shape, format: expected.shape.format }, expected.shape, path);
  assert.equal(fromHtml.warnings.length, fromMarkdown.warnings.length, `${path}: ${fromHtml.warnings.join('; ')}`);
  // Provenance points into the HTML: the line holds the value (a wildcard's name, at least).
  const lines = html.split('\n');
  for (const entry of actual.entries) {
    const line = decodeEntities(lines[entry.provenance.line - 1] ?? '');
    const visible = entry.kind === 'url' ? new URL(entry.value).hostname : entry.value.replace(/^\*\./, '');
    assert.ok(
      line.toLowerCase().includes(visible),
      `${path}: ${entry.value} is not on rendered line ${entry.provenance.line}: ${line}`,
    );
  }
  return { entries: actual.entries.length };
}

const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

test('the seeds, rendered to HTML, give the same catalogs as their markdown', {
  skip: !existsSync(SEEDS) && 'shared corpus absent',
}, () => {
  const cas = assertSameCatalog(`${SEEDS}cloud-app-security-network-requirements.md`);
  const m365 = assertSameCatalog(`${SEEDS}microsoft-365-endpoints-rows.md`);
  assert.equal(cas.entries, 17);
  assert.ok(m365.entries > 100, `${m365.entries} entries`);
});

/**
 * One version per layout the CAS page went through (see shared/corpus/README.md: bare IP lines,
 * header-less tables, `<br></br>` lists, indented and quoted tables, continuation columns, CSV
 * cells, bold and empty headers, the renamed product) and every version of the Learn unit. All
 * 201 versions were compared while writing the parser; these keep the test quick.
 */
const CAS_MILESTONES = [
  '001',
  '005',
  '006',
  '021',
  '023',
  '032',
  '035',
  '060',
  '063',
  '067',
  '070',
  '084',
  '085',
  '097',
  '098',
  '118',
  '153',
  '197',
];

test('format milestones of the shared corpus, rendered to HTML, give the same catalogs', {
  skip: !existsSync(CORPUS) && 'shared corpus absent',
}, () => {
  const casDir = `${CORPUS}cas-network-requirements/`;
  const learnDir = `${CORPUS}m365-learn-identify-endpoints/`;
  const cas = readdirSync(casDir).filter((f) => CAS_MILESTONES.includes(f.slice(0, 3)) && f.endsWith('.md'));
  const learn = readdirSync(learnDir).filter((f) => /^\d{3}_.*\.md$/.test(f));
  assert.equal(cas.length, CAS_MILESTONES.length);
  assert.ok(learn.length >= 4);
  let total = 0;
  for (const name of cas) total += assertSameCatalog(`${casDir}${name}`).entries;
  for (const name of learn) total += assertSameCatalog(`${learnDir}${name}`).entries;
  assert.ok(total > 1000, `${total} entries`);
});

test("the markdown parser's layout fixtures and this folder's twins, rendered to HTML, give the same catalogs", () => {
  const dirs = [new URL('../markdown/__fixtures__/', import.meta.url), new URL('./__fixtures__/', import.meta.url)].map(
    (u) => fileURLToPath(u),
  );
  const files = dirs.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.md'))
          .map((f) => `${dir}${f}`)
      : [],
  );
  assert.ok(files.length >= 2);
  for (const file of files) assert.ok(assertSameCatalog(file).entries > 0, file);
});
