/** Human-readable printing of catalogs and change sets, shared by the commands. */
import type { Catalog } from '../catalog/model.js';
import type { ChangeSet } from '../catalog/changes.js';
import { formatPorts } from '../catalog/ports.js';
import { countsLabel } from '../pipeline/commit-message.js';
import { writeLine, type CliIo } from './io.js';

export function printCatalogTo(io: CliIo, catalog: Catalog): void {
  let lastPlace = '';
  for (const entry of catalog.entries) {
    const place = [entry.section || '(no section)', entry.group ? `[${entry.group}]` : ''].filter(Boolean).join(' ');
    if (place !== lastPlace) {
      writeLine(io.stdout, `\n${place}`);
      lastPlace = place;
    }
    const flags = [
      entry.region ?? '',
      entry.required === true ? 'required' : entry.required === false ? 'optional' : '',
      entry.role === 'source' ? 'source' : '',
      formatPorts(entry.ports) === 'no ports stated' ? '' : formatPorts(entry.ports),
    ].filter(Boolean);
    writeLine(io.stdout, `  ${entry.kind.padEnd(4)} ${entry.value}${flags.length ? `  (${flags.join(', ')})` : ''}`);
  }
  writeLine(io.stdout, `\n${catalog.entries.length} endpoints (${catalog.format})`);
}

export function printChangeSet(io: CliIo, changeSet: ChangeSet): void {
  if (changeSet.changes.length === 0) {
    writeLine(io.stdout, 'no endpoint change');
    return;
  }
  for (const change of changeSet.changes) writeLine(io.stdout, change.message);
  writeLine(io.stdout, `\n${countsLabel(changeSet.changes)}`);
}
