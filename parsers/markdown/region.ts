/**
 * The region a table row is about, from its label cells: "US1 data center" -> "US1",
 * "EU2" -> "EU2", "US Gov GCC High data center" -> "US Gov GCC High". Only the words that say
 * "this is a data center" are dropped; the name itself is kept as written (case included), so
 * a region renamed in the document is a visible change.
 *
 * A region is a data-center or cloud-region label, nothing else. A row label that is not one
 * ("Session controls", "SAML proxy", a purpose sentence) names the row: it is the row's group.
 * A row number ("1", "2.") or a cell without a letter ("??") is neither.
 */
const TRAILING_KIND = /\s+(?:data[\s-]?cent(?:er|re)s?|datacent(?:er|re)s?|region)$/i;
const LEADING_KIND = /^(?:the\s+)?(?:data[\s-]?cent(?:er|re)|datacent(?:er|re)|region)\s*[:-]?\s+/i;

/** A header over region labels: "Data center", "Region", "Location", "Geography". */
const REGION_HEADER = /data[\s-]?cent(?:er|re)|datacent(?:er|re)|\bregions?\b|\blocations?\b|\bgeograph/i;
/** A header over row numbers: "#", "No.", "S.No", "Sr. No.", "Row", "ID". */
const ID_HEADER = /^(?:#|no\.?|s\.?\s?no\.?|sr\.?\s?no\.?|row|id|number|nr\.?)$/i;

/** Words that make a label a region whatever else it says. */
const KIND_WORD = /\b(?:data[\s-]?cent(?:er|re)s?|datacent(?:er|re)s?|regions?)\b/i;
/** Government clouds: "Gov US1", "US Gov Arizona", "GCC High", "DoD". */
const GOV_WORD = /\b(?:gov|government|gcc|dod)\b/i;
/** Azure-style region names carry a compass word: "West US 2", "Australia Southeast", "UK West". */
const COMPASS_WORD = /\b(?:north|south|east|west|central|northeast|northwest|southeast|southwest)\b/i;
/**
 * A data-center code: letters and a number ("US1", "APAC2"), a two-letter area ("US", "EU"), or
 * a named area ("GCC", "EMEA"). Not any acronym: "API" or "SMTP" names a row, not a place.
 */
const CODE_WORD = /^(?:[A-Z]{2,5}\d{1,2}|[A-Z]{2}|GCC|APAC|EMEA|AMER|LATAM|ANZ|ASIA)$/;
/** Cloud region ids: "us-east-1", "europe-west1", "eastus2". */
const REGION_ID = /^(?:[a-z]{2,}(?:-[a-z]+)+-?\d{1,2}|(?:north|south|east|west|central)[a-z]*\d?)$/;

/** The label as a reader sees it: no markup, collapsed spaces, no trailing colon or dash. */
function tidy(text: string): string {
  return text
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[:–—-]+$/, '');
}

export function regionLabel(text: string): string | null {
  const label = tidy(text).replace(TRAILING_KIND, '').replace(LEADING_KIND, '').trim();
  return label || null;
}

/** A sentence, not a label: more than six words, or a full stop after three or more. */
function isSentence(label: string): boolean {
  const words = label.split(' ').length;
  return words > 6 || (words >= 3 && /[.!?]$/.test(label));
}

/**
 * Whether a label names a data center or cloud region by itself (with no header saying so):
 * it says "data center" or "region", names a government cloud, is a code ("US1", "EU") or a
 * cloud region id, or is a short Title Case name with a compass word ("West US 2").
 */
export function isRegionLike(text: string): boolean {
  const label = tidy(text);
  if (!/[a-z]/i.test(label) || isSentence(label) || /[,;]/.test(label)) return false;
  if (KIND_WORD.test(label) || REGION_ID.test(label)) return true;
  const words = label.split(' ');
  if (words.length > 5) return false;
  if (words.every((w) => CODE_WORD.test(w) || /^\d+$/.test(w))) return true;
  const titled = words.every((w) => /^(?:[A-Z][A-Za-z]*|[A-Z]{2,5}\d{0,2}|\d+)$/.test(w));
  return titled && (GOV_WORD.test(label) || COMPASS_WORD.test(label));
}

/** What a row's label cell says about it. */
export interface RowLabel {
  region: string | null;
  /** The label as the row's name, when it is no region. */
  group: string | null;
}

/** Reads a label cell under `header`: a region, the row's name, or nothing (a number, "??"). */
export function readRowLabel(text: string, header: string): RowLabel {
  const label = tidy(text);
  if (!/[a-z]/i.test(label) || ID_HEADER.test(tidy(header))) return { region: null, group: null };
  const region = REGION_HEADER.test(header) ? !isSentence(label) : isRegionLike(label);
  return region ? { region: regionLabel(label), group: null } : { region: null, group: label };
}

/** Region of a value that has an in-cell label ("Australia Southeast: ...") under a row label. */
export function joinRegion(rowRegion: string | null, cellLabel: string | null): string | null {
  // In-cell labels are region names as they stand ("West US 2"); only whitespace is tidied.
  const inner = cellLabel?.replace(/\s+/g, ' ').trim() || null;
  if (rowRegion && inner) return `${rowRegion} / ${inner}`;
  return rowRegion ?? inner;
}
