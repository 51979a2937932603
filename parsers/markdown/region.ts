/**
 * The region a table row is about, from its label cell: "US1 data center" -> "US1",
 * "EU2" -> "EU2", "US Gov GCC High data center" -> "US Gov GCC High". Only the words that say
 * "this is a data center" are dropped; the name itself is kept as written (case included), so
 * a region renamed in the document is a visible change.
 */
const TRAILING_KIND = /\s+(?:data[\s-]?cent(?:er|re)s?|datacent(?:er|re)s?|region)$/i;
const LEADING_KIND = /^(?:the\s+)?(?:data[\s-]?cent(?:er|re)|datacent(?:er|re)|region)\s*[:-]?\s+/i;

export function regionLabel(text: string): string | null {
  let label = text
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[:–—-]+$/, '');
  label = label.replace(TRAILING_KIND, '').replace(LEADING_KIND, '').trim();
  return label || null;
}

/** Region of a value that has an in-cell label ("Australia Southeast: ...") under a row label. */
export function joinRegion(rowRegion: string | null, cellLabel: string | null): string | null {
  // In-cell labels are region names as they stand ("West US 2"); only whitespace is tidied.
  const inner = cellLabel?.replace(/\s+/g, ' ').trim() || null;
  if (rowRegion && inner) return `${rowRegion} / ${inner}`;
  return rowRegion ?? inner;
}
