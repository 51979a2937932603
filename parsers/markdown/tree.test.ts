/**
 * The shortcuts of tree.ts (fast-tables.ts, compact.ts) change how soon the tree is built, never
 * the tree: for every text below, parseMarkdownTree gives the tree remark builds from the text
 * as it is, node for node, positions (line, column, offset) included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { decodeDocument } from '../decode.js';
import { prepareDocument } from './prepare.js';
import { compact } from './compact.js';
import { findTables } from './fast-tables.js';
import { parseMarkdownTree, parseMarkdownTreeDirect } from './tree.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

function sameTree(text: string, label: string): void {
  assert.deepStrictEqual(parseMarkdownTree(text), parseMarkdownTreeDirect(text), label);
}

/** The texts the parser hands to remark for a document: the prepared text and each DocFX column. */
function parsedTexts(raw: string): string[] {
  const prepared = prepareDocument(raw);
  const columns = prepared.groups.flatMap((g) =>
    g.rows.flatMap((r) => r.columns.map((c) => c.lines.map((l) => l.replace(/^[ \t]+/, '')).join('\n'))),
  );
  return [prepared.text, ...columns];
}

test('tables: header-less, padded, indented, escaped pipes, <br>, empty cells, alignment', () => {
  const cases = [
    '|a|b|\n|-|-|\n|c|d|',
    '|a|b|\n|-|-|\n| c | d |  \n',
    'a|b\n-|-\nc|d\n\n',
    '|a|b|\n|-|-|\n|c||\n|c|\n||||\n| |',
    '|a|b|\n|-|-|\n|c\\|x|y\\\\|z|',
    '|a|b|\n|-|-|\n|c <br> d<br/>e</br>|x|',
    '|a|b|\n|-|-|\n|<BR>x<br >y</br >|d\\|',
    '  |a|b|\n  |:-|-:|\n  |c|d|',
    '  |a|b|\n |-|-|\n   |c\\\\|d \\| e|',
    '|a|b|\n|:-:|---|\n|[x](y)|&amp; \\<br> z|\n|\\*.a.com, b|<https://x>|',
    '|a|b|\n|-|-|\n| c \\\\ |\n',
    '| a | b |\n| --- | --- |\n| 1 | 2 | 3 | 4 |\n| x\n',
    '|a|b|\n|-|-|',
    '|a|b|\n|-|-|\n',
    '|a|b|\n|-|-|  \n\nx',
    '||\n|-|\n|x|',
    '|a|b|\n|-|-|\n|c|d|\n\n|e|f|\n|-|-|\n|g|h|',
    '|a|b|c|\n|-|-|-|\n| **Session controls** |`https://x.y/`|<https://a.b/c?d=e&f=%20g>|\n|**x**|` x `|<HTTPS://A.B>|',
    '|a|b|c|\n|-|-|-|\n|** x**|`  `|<a b>|\n|**x **|`a\\|b`|<mailto:a@b.c>|\n|**(x)**|``x``|<x:>|\n|***x***|` a`|<ab>|\n|**a*b**|`a` b|**a** b|',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('tables that are not tables, or not where they seem', () => {
  const cases = [
    '|a|\n|-|-|\n|c|',
    '|a|b|c|\n|-|-|\n|c|',
    '|a|\n|:|\n|x|',
    '|a|\n-\n|x|',
    '|a|b|\n|-|-|\n|c|d|\nfoo',
    'para\n|a|b|\n|-|-|\n|c|d|\n',
    '# H\n|a|b|\n|-|-|\n|**x** y|`c`|\n\ntext',
    '```\n\n|a|b|\n|-|-|\n```\n',
    '~~~md\n|a|b|\n|-|-|\n~~~~\n',
    '<!--\n\n|a|b|\n|-|-|\n\n-->\n',
    '<pre>\n\n|a|b|\n|-|-|\n</pre>\n',
    '> q\n\n|a|b|\n|-|-|\n|c|d|',
    '> q\n|a|b|\n|-|-|\n|c|d|',
    '- item\n\n  |a|b|\n  |-|-|\n  |c|d|\n\nafter',
    '- item\n\n  |a|b|\n  |-|-|\n|c|d|\n',
    '- item\n\n  |a|b|\n  |-|-|\n |c|d|',
    '- item\n\n   |a|b|\n   |-|-|\n  |c|d|\n\nx',
    '- item\n\n  |a|b|\n  |-|-|\n  |c|d|\n- next\n  1. sub\n\n     |x|y|\n     |-|-|\n     |**z**|w|\n',
    '> - a\n>\n>   |a|b|\n>   |-|-|\n',
    '- a\n\n      |a|b|\n      |-|-|\n',
    '1. x\n\n|a|b|\n|-|-|\n|c|d|\n\n2. y',
    '|a|b|\n|-|-|\n|c\td|\n',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('compacted runs: code spans, links, titles, references, headings, HTML, breaks', () => {
  const cases = [
    'text with `code span here` and **bold words** here\n\nand [link text](http://x.y "title words here") ok',
    '[ref words here]: http://x.com "a title here"\n\nsee [ref words here] now, [Ref Words Here] too',
    '[id]: http://x.com (parenthesised title words)\n\n[a][id]',
    'word \\*.a.b.com and more words here',
    '# Heading with words #\n\nSetext words here\n---\n\nAnother setext\n===',
    '<div class="a b c">\nwords in html here\n</div>\n\nand <span title="x y z">inline html words</span> here',
    '<input disabled checked> words after a tag',
    'line with two trailing spaces  \nnext line with words\\\nlast line',
    '```ini extra meta words\nhost.example.com and more words\n```',
    '    indented code with words\n    more code words',
    '1. 2. nested ordered words\n- - nested bullet words\n> > quoted words here',
    'Tabs\tinside\twords here and there\n\n- item\twith tab words',
    'plain words, 13.64.26.88, 13.64.29.32 (mail1.example.com) and https://a.b/c?d=e words',
    '* * *\n\n- - -\n\n_ _ _ words',
    'emphasis *across many words* and _more words here_ done',
    '![image alt words here](media/x.png "image title words")',
    'a line\u00a0with no-break\u00a0spaces between words',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
  // A text that already holds private-use characters is parsed as it is.
  assert.equal(compact('words \ue000 more words here').runs.length, 0);
  sameTree('words \ue000 more words here and there', 'private use');
});

test('every fixture and every real version: the same tree, and the shortcuts are taken', {
  skip: !existsSync(CORPUS) && 'shared corpus absent',
}, () => {
  const files: string[] = [];
  for (const name of readdirSync(FIXTURES).sort()) {
    if (!name.endsWith('.md')) continue;
    files.push(join(FIXTURES, name));
    // Fixtures as written, too (front matter, row blocks and all).
    sameTree(decodeDocument(readFileSync(join(FIXTURES, name))), name);
  }
  for (const folder of readdirSync(CORPUS).sort()) {
    const dir = join(CORPUS, folder);
    if (!existsSync(join(dir, 'versions.tsv'))) continue;
    for (const name of readdirSync(dir).sort()) if (/^\d{3}_.*\.md$/.test(name)) files.push(join(dir, name));
  }
  assert.ok(files.length >= 201, `${files.length} documents`);
  let tables = 0;
  for (const file of files) {
    const raw = decodeDocument(readFileSync(file));
    for (const text of parsedTexts(raw)) sameTree(text, file);
    const lines = prepareDocument(raw).text.split('\n');
    let offset = 0;
    tables += findTables(
      lines,
      lines.map((l) => (offset += l.length + 1) - l.length - 1),
    ).length;
  }
  // Most tables of the corpus are built without micromark (979 of them when this was written).
  assert.ok(tables > 900, `${tables} tables built directly`);
});

test('tables in blockquotes', () => {
  const cases = [
    '> [!div class="mx-tableFixed"]\n>\n> |a|b|\n> |-|-|\n> |c<br />d|e|\n\nafter',
    '> x\n>\n> |a|b|\n> |-|-|\n> |c|d|\n>\n> more',
    '> x\n>\n>|a|b|\n> |-|-|\n>  |c|d|',
    '> x\n> |a|b|\n> |-|-|\n> |c|d|',
    '> x\n>\n> |a|b|\n> |-|-|\n|c|d|',
    '> x\n>\n> |a|b|\n> |-|-|\n> |c|d|\nlazy',
    '> > x\n> >\n> > |a|b|\n> > |-|-|\n> > |c|d|\n',
    '> x\n>\n> > |a|b|\n> > |-|-|\n',
    '- item\n\n  > q\n  >\n  > |a|b|\n  > |-|-|\n  > |c|d|\n',
    '- item\n\n  > q\n  >\n  > |a|b|\n  > |-|-|\n> |c|d|\n',
    '> - item\n>\n>   |a|b|\n>   |-|-|\n>   |c|d|\n',
    '> ## H\n> |a|b|\n> |-|-|\n> |c|d|\n',
    '>\n> |a|b|\n> |-|-|\n> |c|d|',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('top-level headings, paragraphs and fenced code built apart', () => {
  const cases = [
    '## Head  words ##  \n\nx',
    '# H#\n\nx',
    '### \n',
    '#  Head  \n',
    '# **Bold** heading\n## `code` heading\n### a [link](x) heading\n#### &amp; entity',
    'Para words  \n\nx',
    'two\nlines  \n',
    'two lines\nwith a break  \nhere\n\nx',
    'a **b** c\n\n*x*\n\n[link](u "t") and <span>html</span> and <https://a.b>\n\n![img](x.png)\n\n`code`',
    '```ini meta words\nabc\n\ndef\n```\n',
    '```\n```\n\nx',
    '~~~\n```\n~~~\n',
    '```js\nunclosed\n',
    'Para\n```\ncode\n```\n---\n',
    'Para\n# H\n===\n',
    '- a\n\nB\n\nfoo',
    '- a\n\nB\n\n- c',
    '- a\n\nB\n\n  c',
    '- a\n# H\n- b',
    '- a\n# H\nfoo',
    '> q\n# H\n> r',
    '    code\n# H\n    more',
    '<div>\n# H\n</div>\n\nPara',
    '<!--\n\n# H\n\nPara\n\n-->\n',
    'Para\n\n[x]: /url\n\n[x]',
    '1. one\n\nPara\n\n2. two',
    '* * *\n\n___\n\n- - -\n\nText',
    'Setext\n======\n\nPara',
    'A | B\n--|--\n\nC',
    '\n\n\nPara\n\n\n',
    'Para with a\\\nbackslash break\n\nx',
    '# H\n|a|b|\n|-|-|\n\n## I\n\ntext [ref]\n\n[ref]: /u',
    // Pending inline content is parsed after the document's end: what the end leaves open.
    '|a|\n|-|\n|&amp; x|\n\n```\nunclosed',
    '|a|\n|-|\n|&amp; x|\n\n<!--\nopen comment',
    '|a|\n|-|\n|&amp; x|\n\n- a\n- b',
    '|a|\n|-|\n|&amp; x|\n\n- a\n\n  b\n',
    '|a|\n|-|\n|&amp; x|\n\n    code\n\n',
    '|a|\n|-|\n|&amp; x|\n\n> q',
    '|a|\n|-|\n|&amp; x|\n\nSetext\n',
    '|a|\n|-|\n|&amp; x|\n\n<div>',
    '|a|\n|-|\n|&amp; x|\n',
    '|a|\n|-|\n|&amp; x|',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('inline content built apart: strong, emphasis, code spans, links, brackets', () => {
  const lines = [
    'To use **outbound port 443** for the following, see **this**.',
    'see [the docs](https://x.y/z) now, and [more](../a/b.md#c).',
    'a `b*c` d `e` and `` f `` (`g`)',
    '*Applies to: x*',
    'foo**bar** and **bar**baz and a **b**c',
    '![x](y) and ![a [b](c)](d)',
    'a [b](c d) and [b](<c>) and [b](c "t")',
    '[!INCLUDE [Banner](includes/banner.md)]',
    '[!NOTE] text [a] (b) and [a [b](c)](d) and [a [b] c](d)',
    '**a `b** c`',
    '*a **b** c*',
    '**a** **b** *c* **d**!',
    'x **(a)** y **a.** z',
    '** a** and **a **',
  ];
  for (const line of lines) {
    sameTree(`${line}\n`, line);
    sameTree(`# ${line}\n\nx`, `# ${line}`);
    sameTree(`|a|\n|-|\n|${line}|\n`, `|${line}|`);
  }
});

test('tight lists and blockquotes of paragraphs built apart', () => {
  const cases = [
    '- a\n- b\n\nx',
    '* a\n* b\n+ c\n\nx',
    '- a\n* b\n\nx',
    '1. one\n2. two\n\nx',
    '3) three\n4) four\n\nx',
    '1. one\n2) two\n\nx',
    '0123456789. long\n\nx',
    '- a  \n- b\n\nx',
    '- **bold** item\n- `code` item\n- [link](u) item\n\nx',
    '- a\n-\n- b\n\nx',
    '- - a\n\nx',
    '- 1. a\n\nx',
    '- # a\n\nx',
    '- > a\n\nx',
    '- a\n  b\n\nx',
    '- a\ncontinued\n\nx',
    '- a\n---\n\nx',
    '- * * *\n\nx',
    '-  a\n\nx',
    '- a\t\n\nx',
    '> a\n\nx',
    '> a\n> b\n\nx',
    '> a\n>\n> b\n\nx',
    '>a\n> b\n\nx',
    '> a\nlazy\n\nx',
    '> a\n>\n\nx',
    '> a\n>  b\n\nx',
    '> **Note** see [x](y)\n\nx',
    '> # H\n\nx',
    '> - a\n\nx',
    '> a\n> ---\n\nx',
    '> a\n> ===\n\nx',
    '>> a\n\nx',
    '> a  \n> b\n\nx',
    '> a\\\n> b\n\nx',
    '> [!NOTE]\n> text here\n\nx',
    'Para one\nline two with **b**\nline `three`\n\nx',
    'Para *open\nclose* here\n\nx',
    'Para [open\nclose](u) here\n\nx',
    'Para `open\nclose` here\n\nx',
    'Para a\\\nb\n\nx',
    'Para <br>\nnext\n\nx',
    'Para a<br/>b\nc</br>d\n\nx',
    // Each paragraph of a blockquote has its own marker spacing.
    '> a\n>b\n\nx',
    '> a\n>\n>b\n>c\n\nx',
    '>a\n>\n> b\n> c\n\nx',
    '> a\n> \tb\n\nx',
    '>\ta\n\nx',
    '> \ta\n\nx',
    '> a\n>\n> b\n>\n\nx',
    '> \n> a\n\nx',
    '>  a\n> b\n\nx',
    '> a\n>  \n> b\n\nx',
    '> [!NOTE]\n> You may see these addresses.\n\n# H\n\n> [!div class="x"]\n> [Next](next.md)\n\nx',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('fences and HTML blocks that may sit in a container: blank lines do not end a list item', () => {
  const cases = [
    '- ```\n# H\nX',
    '- ```\n\n# H\nX',
    '- ```\n\n# H\n\nX',
    '- ```\n\n|a|b|\n|-|-|\n\nX',
    '- ```\n\nPara\n\nX',
    '- ```\n\n\nPara\n\nX',
    '- a\n\n  ```\n\n```\n\n# H\n',
    '- a\n\n  ```\n\n```\n\nPara\n',
    '- a\n\n  ~~~\n  x\n  ~~~\n\n# H\n\nX',
    '1. a\n\n   ```\n   x\n\n# H\n\nX',
    ' ```\nfoo\n\n# H\n```\n\nPara',
    '> ```\n\n# H\nX',
    '>```\n\nPara\n\nX',
    '- > ```\n\n# H\n\nX',
    '- <!--\n\n# H\nX',
    '- <!--\n\n# H\n-->\n\nPara',
    '- a\n\n  <!--\n-->\n\n# H\n\nPara',
    '- <![CDATA[\n\n# H\nX',
    '- <script>\n\nPara\n\nX',
    '- <?php\n\n- a\n- b\n\nX',
    '- a\n\n      code\n\n\n\n# H\nX',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('blank lines around blocks built apart: one blank line for micromark', () => {
  const cases = [
    '    code\n    \n# H\nX',
    '    code\n    \n\n\n# H\n\n\nX',
    '    code\n\n\n# H\n\n    more',
    '    code\n\n\n\n# H\n\n\nX\n\n    more',
    '- a\n\n\n# H\n\n\nX',
    '-\n\n# H\n\nX',
    '- a\n\n  b\n\n\n# H\n\nX',
    '- a\n- b\n\n\nPara\n\n\n- c',
    '> a\n\n\n# H\n\n\n> b',
    '> a\n\n# H\nb',
    '# A\n\n\nPara one\n\n\n## B\n\n\nX',
    '\n\n# H\n\n\n',
    '# H',
    '# H\n',
    '\n# H',
    'Para\n\n# H\n\n',
    'Para\n# H\n\n\nX',
    'Para\n\n\n# H\n===',
    '<div>\n\n\n# H\n\nX',
    '<div>\nx\n\n\n# H\n\n</div>',
    '```\ncode\n```\n\n\n# H\n\n\nX',
    '> |a|\n> |-|\n> |x|\n\n\n# H\n\n\nX',
    '|a|\n|-|\n|x|\n\n\n# H\n\n\n|b|\n|-|\n|y|\n\n\nX',
    '|a|\n|-|\n|&amp; x|\n\n# H\n\n\n',
    '|a|\n|-|\n|&amp; x|\n\n\n\n- a\n\n\n\n# H',
    'Para  \n\n\n# H\n \n\nX',
    'Para\n \n\n# H\n\t\n\nX',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('blocks built apart before a list: only when no list may be open before them', () => {
  const cases = [
    'Intro words\n\n- a\n- b\n\nX',
    '# H\n\nPara\n\n- a\n- b\n\nX',
    '- a\nlazy\n\nPara\n\n- b',
    'Para\n- a\n\nPara two\n\n- b',
    'Para\n  - a\n\nPara two\n\n- b',
    'Para\n2. a\n\nPara two\n\n3. b',
    '> - a\n\nPara\n\n- b',
    '> a\n- b\n\nPara\n\n- c',
    '  Para\n\nPara two\n\n- b',
    '1. a\n\n   more\n\nPara\n\n2. b',
    '1. a\n\n# H\n\n2. b',
    '|a|\n|-|\n|x|\n\nPara\n\n1. a\n2. b',
    'Para\n\n1. a\n\n2. b\n\nX',
    'Para\n\n- a\n\n- b',
    '```\n- a\n```\n\nPara\n\n- b',
    '<div>\n- a\n</div>\n\nPara\n\n- b',
    'Para\n\n* * *\n\n- b',
    'Intro:\n\n- a\n- b\n\nPara\n\n- c\n- d',
    'Para\n\n# H\n- a\n\nx',
    'Para\n\n> q\n\n- a\n\nx',
    'Para\n\n- a\n\n  b\n\nPara\n\n- c',
    // The next line indented: an indented code block, or a line of a list item before.
    'Para\n\n    code',
    'Intro:\n\n    host.example.com\n    \\*.example.com\n\nX',
    '    a\n\nPara\n\n    b',
    'Para\nlazy\n    more\n\nNext\n\n    code',
    '- a\n\nPara\n\n  b',
    '- a\n\n# H\n\n  b',
    '# H\n    code',
    'Para\n# H\n    code',
    '# H\n\n  indented para',
    '> a\n\nPara\n\n    code',
    '> - a\n\nPara\n\n    code',
    '<div>\n\nPara\n\n    code',
    '|a|\n|-|\n|x|\n\nPara\n\n    code\n\nX',
    '1. a\n\n   b\n\nPara\n\n   c',
    '```\ncode\n```\n\n    more',
    '```\n- x\n```\n\n    more',
    '\tPara\n\nNext\n\n\tcode',
    'Para\n\n\tcode',
    // A blockquote before: the blank line closes it and what it holds, not a lazy line after it.
    '> - a\n\nPara\n\n- b',
    '> - a\n\nPara\n\n  b',
    '> a\n- b\n\nPara\n\n- c',
    '> - a\nlazy\n\nPara\n\n- b',
    '> - a\n  lazy\n\nPara\n\n    b',
    ' > - a\n\nPara\n\n- b',
    '> > - a\n\nPara\n\n- b',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});

test('a list after a blank line continues the list before it', () => {
  const cases = [
    '- a\n\n- b\n\nX',
    '1. a\n\n2. b',
    'Para\n\n1. a\n\n2. b\n\nX',
    '- a\n\n\n- b\n- c\n\nX',
    '- a\n  b\n\n- c\n\nX',
    '> - a\n\n- b\n\nX',
    'x\n\n- a\n\n* b\n\nX',
  ];
  for (const text of cases) sameTree(text, JSON.stringify(text));
});
