/** One-line descriptions of changes, shared by the console, Slack, email and commit messages. */
import type { Change, EntryRef } from './changes.js';
import type { CatalogEntry } from './model.js';
import { formatPorts } from './ports.js';

export function kindLabel(entry: Pick<CatalogEntry, 'kind' | 'value'>): string {
  if (entry.kind === 'ip') return entry.value.includes('/') ? 'CIDR' : 'IP';
  return entry.kind === 'fqdn' ? 'host' : 'URL';
}

/** "EU1 App connector access" / "[2: Microsoft 365 portal]" / "Portal access [row 3]". */
export function placeLabel(ref: EntryRef): string {
  const parts: string[] = [];
  if (ref.region) parts.push(ref.region);
  if (ref.section) parts.push(ref.section);
  if (ref.group) parts.push(`[${ref.group}]`);
  return parts.join(' ') || '(document)';
}

function requiredLabel(value: boolean | null | undefined): string {
  if (value === true) return 'Required';
  if (value === false) return 'Optional';
  return 'unstated';
}

export function describeChange(change: Omit<Change, 'message'>): string {
  const what = kindLabel(change);
  const here = placeLabel(change);
  switch (change.type) {
    case 'added':
      return `${here}: ${what} added: ${change.value}`;
    case 'removed':
      return `${here}: ${what} removed: ${change.value}`;
    case 'moved': {
      const from = change.from ? placeLabel(change.from) : '?';
      return `${what} moved: ${change.value} from ${from} to ${here}`;
    }
    case 'reshaped':
      return `${here}: ${what} re-shaped: ${change.value}`;
    case 'modified': {
      const details = change.fields.map((field) => {
        const before = change.before?.[field];
        const after = change.after?.[field];
        if (field === 'ports') return `ports ${formatPorts(change.before!.ports!)} -> ${formatPorts(change.after!.ports!)}`;
        if (field === 'required') return `now ${requiredLabel(after as boolean | null)} (was ${requiredLabel(before as boolean | null)})`;
        if (field === 'expressRoute') return `ExpressRoute ${after ? 'yes' : after === false ? 'no' : 'unstated'} (was ${before ? 'yes' : before === false ? 'no' : 'unstated'})`;
        return `${field} ${String(after ?? 'none')} (was ${String(before ?? 'none')})`;
      });
      return `${here}: ${what} ${change.value} changed: ${details.join('; ')}`;
    }
  }
}
