/**
 * An HTML `<table>` -> the mdast `table` node a GFM pipe table parses to, so that
 * parsers/markdown/tables.ts `readTable` gives both formats one interpretation (row labels,
 * regions, port columns, empty-header continuation columns, in-cell labels).
 *
 * What an HTML table has that a pipe table has not is flattened into the pipe-table shape:
 *  - the header row is the first `<thead>` row, or a first row made only of `<th>` cells; a
 *    table without one gets an empty header row, as a header-less pipe table does in
 *    parsers/markdown/prepare.ts (its first row stays a data row);
 *  - `colspan` cells are followed by empty cells, so the columns after them stay aligned (an
 *    empty header then reads as a continuation of the one to its left, like `|IP addresses||`);
 *  - `rowspan` cells are repeated in the rows they span: a region label or a port cell spanning
 *    three rows applies to each of them;
 *  - `<caption>` and tables nested in a cell are text of the table / of that cell.
 */
import type { Element } from 'domhandler';
import type { PhrasingContent, Table, TableCell, TableRow } from 'mdast';
import { isElement, phrasingOf, positionOf } from './phrasing.js';

/** Rows of `table` in document order, without those of nested tables. */
function rowsOf(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children) {
    if (!isElement(child)) continue;
    if (child.name === 'tr') rows.push(child);
    else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') {
      for (const row of child.children) if (isElement(row) && row.name === 'tr') rows.push(row);
    }
  }
  return rows;
}

function cellsOf(row: Element): Element[] {
  return row.children.filter((c): c is Element => isElement(c) && (c.name === 'td' || c.name === 'th'));
}

/** A span attribute as a count: 1 when absent or unreadable, capped so a typo cannot blow up the grid. */
function span(cell: Element, name: 'colspan' | 'rowspan'): number {
  const value = parseInt(cell.attribs[name] ?? '1', 10);
  return Number.isFinite(value) && value >= 1 ? Math.min(value, 100) : 1;
}

function emptyCell(at: Element): TableCell {
  return { type: 'tableCell', children: [], position: positionOf(at) };
}

function cellNode(cell: Element): TableCell {
  return { type: 'tableCell', children: phrasingOf(cell.children), position: positionOf(cell) };
}

interface Spanning {
  rowsLeft: number;
  children: PhrasingContent[];
  source: Element;
}

/** Lays the rows out on a grid: colspan fills to the right, rowspan repeats downwards. */
function gridRows(rows: Element[]): TableRow[] {
  const spanning: (Spanning | undefined)[] = [];
  return rows.map((row) => {
    const cells: TableCell[] = [];
    let column = 0;
    const fillSpanned = () => {
      for (let s = spanning[column]; s && s.rowsLeft > 0; s = spanning[column]) {
        s.rowsLeft -= 1;
        cells.push({ type: 'tableCell', children: s.children, position: positionOf(s.source) });
        column += 1;
      }
    };
    for (const cell of cellsOf(row)) {
      fillSpanned();
      const node = cellNode(cell);
      const rowspan = span(cell, 'rowspan');
      const colspan = span(cell, 'colspan');
      cells.push(node);
      if (rowspan > 1) spanning[column] = { rowsLeft: rowspan - 1, children: node.children, source: cell };
      column += 1;
      for (let extra = 1; extra < colspan; extra += 1) {
        cells.push(emptyCell(cell));
        if (rowspan > 1) spanning[column] = { rowsLeft: rowspan - 1, children: [], source: cell };
        column += 1;
      }
    }
    fillSpanned();
    // Spans that reach past this row's last cell still use up a row.
    for (let c = column; c < spanning.length; c += 1) {
      const s = spanning[c];
      if (s && s.rowsLeft > 0) {
        while (cells.length < c) cells.push(emptyCell(row));
        s.rowsLeft -= 1;
        cells.push({ type: 'tableCell', children: s.children, position: positionOf(s.source) });
      }
    }
    return { type: 'tableRow', children: cells, position: positionOf(row) };
  });
}

function isHeaderRow(row: Element): boolean {
  const cells = cellsOf(row);
  return cells.length > 0 && cells.every((c) => c.name === 'th');
}

/** The mdast table for `table`: a header row (possibly empty) followed by the data rows. */
export function tableNode(table: Element): Table {
  const rows = rowsOf(table);
  const first = rows[0];
  const inHead =
    first !== undefined && first.parent !== null && isElement(first.parent) && first.parent.name === 'thead';
  const hasHeader = first !== undefined && (inHead || isHeaderRow(first));
  const grid = gridRows(rows);
  let children: TableRow[];
  if (hasHeader) {
    children = grid;
  } else {
    const width = Math.max(0, ...grid.map((r) => r.children.length));
    const header: TableRow = {
      type: 'tableRow',
      children: Array.from({ length: width }, () => emptyCell(table)),
      position: positionOf(table),
    };
    children = [header, ...grid];
  }
  return { type: 'table', children, position: positionOf(table) };
}
