/**
 * Snapshot commit messages: a subject a person can scan in `git log --oneline`
 * ("cloud-app-security: +1 IP (EU1 App connector ... 13.95.30.47)"), a body with one line per
 * change, and trailers that `history` and tools can read back.
 */
import type { Change, ChangedField, ChangeSet } from '../catalog/changes.js';
import { describeNetAddresses, kindLabel, placeLabel } from '../catalog/messages.js';

const SUBJECT_MAX = 120;

function plural(count: number, label: string): string {
  return `${count} ${label}${count === 1 ? '' : 's'}`;
}

/** How a changed attribute is named in a subject ("~2 ports"). */
const FIELD_LABELS: Record<ChangedField, string> = {
  ports: 'ports',
  required: 'Required flag',
  expressRoute: 'ExpressRoute',
  category: 'category',
  role: 'role',
};

/**
 * "+2 IPs, +1 host, -1 CIDR, ~2 ports, ~1 Required flag, 1 moved, 1 re-shaped". A modified
 * endpoint counts once under each attribute that changed, so the subject says what changed.
 */
export function countsLabel(changes: Change[]): string {
  const buckets = new Map<string, number>();
  const bump = (key: string) => buckets.set(key, (buckets.get(key) ?? 0) + 1);
  for (const change of changes) {
    if (change.type === 'added') bump(`+\u0000${kindLabel(change)}`);
    else if (change.type === 'removed') bump(`-\u0000${kindLabel(change)}`);
    else if (change.type === 'modified' && change.fields.length)
      for (const field of change.fields) bump(`~\u0000${FIELD_LABELS[field]}`);
    else bump(`${change.type}`);
  }
  const parts: string[] = [];
  for (const sign of ['+', '-']) {
    for (const [key, count] of buckets) {
      if (!key.startsWith(`${sign}\u0000`)) continue;
      parts.push(`${sign}${plural(count, key.slice(2))}`);
    }
  }
  for (const [key, count] of buckets) if (key.startsWith('~\u0000')) parts.push(`~${count} ${key.slice(2)}`);
  if (buckets.get('modified')) parts.push(`~${buckets.get('modified')} changed`);
  if (buckets.get('moved')) parts.push(`${buckets.get('moved')} moved`);
  if (buckets.get('reshaped')) parts.push(`${buckets.get('reshaped')} re-shaped`);
  return parts.join(', ') || 'no endpoint change';
}

export function changeCommitMessage(changeSet: ChangeSet, trailers: Record<string, string> = {}): string {
  const counts = countsLabel(changeSet.changes);
  let subject = `${changeSet.source}: ${counts}`;
  const only = changeSet.changes.length === 1 ? changeSet.changes[0] : undefined;
  if (only) subject += ` (${placeLabel(only)} ${only.value})`;
  if (subject.length > SUBJECT_MAX) subject = `${subject.slice(0, SUBJECT_MAX - 3)}...`;
  // changeSet.changes is already ordered action first (catalog/diff.ts).
  const lines = changeSet.changes.map((c) => `- ${c.severity ? `[${c.severity}] ` : ''}${c.message}`);
  if (changeSet.summary.netAddresses)
    lines.push('', `Addresses: ${describeNetAddresses(changeSet.summary.netAddresses)}`);
  const body = lines.join('\n');
  return [subject, '', body, '', formatTrailers({ 'Endpoint-Watch-Source': changeSet.source, ...trailers })].join('\n');
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
