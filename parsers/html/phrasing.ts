/**
 * HTML content -> the mdast phrasing nodes the markdown parser reads (parsers/markdown/inline.ts),
 * so a table cell or a DocFX column means the same thing whichever format it was written in.
 *
 * Only four node types come out, all flat (no nesting), each with the source line it starts on:
 *  - `text`: text as the reader sees it (entities already decoded by the HTML parser). A newline
 *    in the source stays a newline, which inline.ts reads as a line break: renderers keep the
 *    newlines of a markdown paragraph in their HTML, and the markdown parser breaks lines there
 *    (compact layouts put one host per line), so both formats must;
 *  - `break`: `<br>`, and the start and end of a block element (`<p>`, `<div>`, `<li>`, ...);
 *    inline.ts drops the empty lines that result;
 *  - `html` `<a>` / `</a>` around the content of a link: inline.ts masks everything between them,
 *    exactly as it does for an `<a href>` written inside a markdown document. A link whose text
 *    is its own target (what a renderer makes of a bare `https://...` or `www.` host) is the URL
 *    written out, not a reference, and is kept as text, like a GFM autolink in markdown;
 *  - nothing at all for comments, scripts, styles, page chrome, `hidden` elements and images.
 */
import type { AnyNode, Element, Text as DomText } from 'domhandler';
import type { Break, Html, PhrasingContent, Text } from 'mdast';
import type { Position } from 'unist';

/** Never content: code, styling, page chrome (site navigation, header, footer), form controls. */
const SKIPPED_TAGS = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'head',
  'nav',
  'header',
  'footer',
  'svg',
  'math',
  'iframe',
  'object',
  'select',
  'textarea',
  'button',
]);

/** Elements a reader sees as their own block: their content never runs into the text around them. */
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'li',
  'main',
  'menu',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

/** Content a reader never sees: the tags above, and anything marked `hidden`. */
export function isSkipped(element: Element): boolean {
  return SKIPPED_TAGS.has(element.name) || element.attribs['hidden'] !== undefined;
}

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

export function isBlock(element: Element): boolean {
  return BLOCK_TAGS.has(element.name);
}

/** True when `element` has `name` among the words of its class attribute. */
export function hasClass(element: Element, name: string): boolean {
  return (element.attribs['class'] ?? '').split(/\s+/).includes(name);
}

/** The source position of a node, from parse5's location info (line 1 when the parser gave none). */
export function positionOf(node: AnyNode): Position {
  const loc = node.sourceCodeLocation;
  if (!loc) return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  return {
    start: { line: loc.startLine, column: loc.startCol, offset: loc.startOffset },
    end: { line: loc.endLine, column: loc.endCol, offset: loc.endOffset },
  };
}

/**
 * The position of a text node, its start line counted back from its end: the HTML parser drops
 * the newline that follows `<pre>` and, when another follows, starts the node at the dropped one.
 * Entities and CRLF never change the number of line breaks, so the end is always right.
 */
function textPosition(node: DomText): Position {
  const position = positionOf(node);
  const loc = node.sourceCodeLocation;
  if (loc) position.start.line = loc.endLine - (node.data.match(/\n/g) ?? []).length;
  return position;
}

/**
 * A link whose text is its own target: `<a href="https://x.example/">https://x.example/</a>`,
 * or GFM's `www.` literal (`<a href="http://www.x.example">www.x.example</a>`). A link with any
 * other text, even a host name, is a reference to a page, as `[host](https://host)` is in markdown.
 */
function isWrittenOutUrl(element: Element): boolean {
  const href = (element.attribs['href'] ?? '').trim();
  const text = textContent(element).trim();
  if (!text || /\s/.test(text)) return false;
  return href === text || (/^www\./i.test(text) && href === `http://${text}`);
}

/** Plain text of a node (skipped elements left out), for link checks. */
function textContent(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!isElement(node) || isSkipped(node)) return '';
  return node.children.map(textContent).join('');
}

interface Output {
  nodes: PhrasingContent[];
}

function pushBreak(out: Output, node: AnyNode): void {
  const last = out.nodes[out.nodes.length - 1];
  if (last && last.type === 'break') return;
  const br: Break = { type: 'break', position: positionOf(node) };
  out.nodes.push(br);
}

function convert(node: AnyNode, out: Output): void {
  if (node.type === 'text') {
    if (!node.data) return;
    const text: Text = { type: 'text', value: node.data, position: textPosition(node) };
    out.nodes.push(text);
    return;
  }
  if (!isElement(node) || isSkipped(node)) return;
  const name = node.name;
  if (name === 'br' || name === 'hr') {
    pushBreak(out, node);
    return;
  }
  if (name === 'img') return;
  if (name === 'a' && node.attribs['href'] !== undefined && !isWrittenOutUrl(node)) {
    const open: Html = { type: 'html', value: '<a>', position: positionOf(node) };
    const close: Html = { type: 'html', value: '</a>', position: positionOf(node) };
    out.nodes.push(open);
    for (const child of node.children) convert(child, out);
    out.nodes.push(close);
    return;
  }
  const block = isBlock(node);
  if (block) pushBreak(out, node);
  for (const child of node.children) convert(child, out);
  if (block) pushBreak(out, node);
}

/** The phrasing nodes of `nodes` (the content of a cell, a column, a heading). */
export function phrasingOf(nodes: readonly AnyNode[]): PhrasingContent[] {
  const out: Output = { nodes: [] };
  for (const node of nodes) convert(node, out);
  return out.nodes;
}
