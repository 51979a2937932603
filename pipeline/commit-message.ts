/**
 * Snapshot commit messages: a subject a person can scan in `git log --oneline`
 * ("cloud-app-security: +1 IP (EU1 App connector ... 13.95.30.47)"), a body with one line per
 * change (up to BODY_LIMITS, then counts: a change of thousands of endpoints stays readable, and
 * `endpoint-watch history` recomputes every line from the catalogs), layout changes said once,
 * and trailers that `history` and tools can read back.
 */
import type { Change, ChangeSet } from '../catalog/changes.js';
import {
  changeHeadline,
  countsLabel,
  describeNetAddresses,
  describeRelabels,
  placeLabel,
} from '../catalog/messages.js';

// Kept here too: the CLI and older callers import it from the commit message.
export { countsLabel };

const SUBJECT_MAX = 120;

/** Change lines listed in a commit body: per place (section, region), and in all. */
export const BODY_LIMITS = { perGroup: 20, total: 250, groupsSummed: 20 } as const;

/** What a commit says besides its changes. */
export interface CommitNotes {
  /** Layout changes of the document ("column S.No is now No."). */
  layout?: string[];
  /** Withheld removals committed now, and how they were confirmed. */
  confirmed?: { count: number; how: string };
  /** Removals still withheld: the committed catalog still lists them. */
  withheldCount?: number;
  /** The document's text around the changed endpoints (catalog/document-context.ts), bounded. */
  documentText?: string;
  /** The feed's own serial of this version (AWS `syncToken`, Azure `changeNumber`, ...). */
  serial?: { name: string; value: string } | null;
}

function plural(count: number, label: string): string {
  return `${count} ${label}${count === 1 ? '' : 's'}`;
}

function clipSubject(subject: string): string {
  return subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 3)}...` : subject;
}

/** One line per change, at most BODY_LIMITS.perGroup per place and BODY_LIMITS.total in all, then counts. */
export function changeLines(changes: Change[]): string[] {
  const lines: string[] = [];
  const omitted = new Map<string, { label: string; count: number }>();
  const shownPerGroup = new Map<string, number>();
  for (const change of changes) {
    const key = `${change.section}\u0000${change.region ?? ''}`;
    const shown = shownPerGroup.get(key) ?? 0;
    if (shown < BODY_LIMITS.perGroup && lines.length < BODY_LIMITS.total) {
      lines.push(`- ${change.severity ? `[${change.severity}] ` : ''}${change.message}`);
      shownPerGroup.set(key, shown + 1);
      continue;
    }
    const left = omitted.get(key) ?? {
      label: placeLabel({ section: change.section, region: change.region, group: null }),
      count: 0,
    };
    left.count += 1;
    omitted.set(key, left);
  }
  const groups = [...omitted.values()];
  for (const group of groups.slice(0, BODY_LIMITS.groupsSummed))
    lines.push(`- ... and ${group.count} more in ${group.label}`);
  const rest = groups.slice(BODY_LIMITS.groupsSummed);
  if (rest.length) {
    const count = rest.reduce((sum, group) => sum + group.count, 0);
    lines.push(`- ... and ${plural(count, 'more change')} in ${plural(rest.length, 'more place')}`);
  }
  return lines;
}

function noteLines(notes: CommitNotes): string[] {
  const lines: string[] = [];
  if (notes.serial) lines.push(`Feed serial: ${notes.serial.name} ${notes.serial.value}`, '');
  if (notes.layout?.length) lines.push('Layout changed:', ...notes.layout.map((line) => `- ${line}`), '');
  if (notes.confirmed?.count)
    lines.push(`Confirmed: ${plural(notes.confirmed.count, 'removal')} withheld earlier (${notes.confirmed.how}).`, '');
  if (notes.withheldCount)
    lines.push(
      `Withheld: ${plural(notes.withheldCount, 'removal')} that look like breakage; the catalog still lists them until they are confirmed.`,
      '',
    );
  return lines;
}

export function changeCommitMessage(
  changeSet: ChangeSet,
  trailers: Record<string, string> = {},
  notes: CommitNotes = {},
): string {
  const counts = countsLabel(changeSet.changes);
  let subject: string;
  const relabels = describeRelabels(changeSet.relabels ?? []);
  if (changeSet.changes.length === 0 && notes.layout?.length) {
    const more = notes.layout.length > 1 ? ` (+${notes.layout.length - 1} more)` : '';
    subject = `${changeSet.source}: layout changed: ${notes.layout[0]}${more}`;
  } else if (changeSet.changes.length === 0 && relabels.length) {
    const more = relabels.length > 1 ? ` (+${relabels.length - 1} more)` : '';
    subject = `${changeSet.source}: relabelled: ${relabels[0]}${more}`;
  } else {
    const only = changeSet.changes.length === 1 ? changeSet.changes[0] : undefined;
    subject = only
      ? `${changeSet.source}: ${counts} (${placeLabel(only)} ${only.value})`
      : `${changeSet.source}: ${changeHeadline(changeSet.changes)}`;
  }
  // changeSet.changes is already ordered action first (catalog/diff.ts).
  // Relabels change no address, but `export --region` filters on the new names: said, not alerted.
  const relabelLines = relabels.length
    ? ['Relabelled (no endpoint changed):', ...relabels.map((l) => `- ${l}`), '']
    : [];
  const lines = [...noteLines(notes), ...relabelLines, ...changeLines(changeSet.changes)];
  if (changeSet.summary.netAddresses && changeSet.changes.length)
    lines.push('', `Addresses: ${describeNetAddresses(changeSet.summary.netAddresses)}`);
  // Why it changed is usually written beside the table: the page's own words, not only ours.
  if (notes.documentText)
    lines.push('', 'Document text around the changes:', '', ...notes.documentText.split('\n').map((l) => `    ${l}`));
  const body = lines.join('\n').trim();
  return [
    clipSubject(subject),
    '',
    ...(body ? [body, ''] : []),
    formatTrailers({ 'Endpoint-Watch-Source': changeSet.source, ...trailers }),
  ].join('\n');
}

/** The commit that rewrites a stored catalog.json in the current serialization: same endpoints. */
export function rewriteCommitMessage(source: string): string {
  return [
    `${source}: catalog.json rewritten in the current format`,
    '',
    'The same catalog, written the way this version of endpoint-watch writes it, so that later',
    'commits change only the lines of real changes. No endpoint changed; no alert was sent.',
    '',
    formatTrailers({ 'Endpoint-Watch-Source': source }),
  ].join('\n');
}

export function baselineCommitMessage(
  source: string,
  entryCount: number,
  trailers: Record<string, string> = {},
): string {
  return [
    `${source}: baseline, now tracking ${plural(entryCount, 'endpoint')}`,
    '',
    formatTrailers({ 'Endpoint-Watch-Source': source, ...trailers }),
  ].join('\n');
}

function formatTrailers(trailers: Record<string, string>): string {
  return Object.entries(trailers)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n');
}
