/**
 * The fault suite's counts: one row per part (kills, notifier faults, lock race, fuzz), one
 * table at the end, and the findings that make the suite fail, each with how to reproduce it.
 */
export interface Row {
  part: string;
  trials: number;
  lost: number;
  /** Extra copies of an alert inside the README's duplicate window. */
  dupInside: number;
  /** Extra copies outside it, and alerts for nothing that changed. */
  dupOutside: number;
  /** A normal run after the fault that did not do what the same run did without it. */
  blocked: number;
  crashed: number;
  hung: number;
  /** Trials that left the snapshot repository or the state files unlike the clean play's. */
  badState: number;
}

export interface Finding {
  part: string;
  trial: string;
  what: string;
  /** How to run this trial alone. */
  reproduce: string;
}

const KEYS = ['trials', 'lost', 'dupInside', 'dupOutside', 'blocked', 'crashed', 'hung', 'badState'] as const;

function emptyRow(part: string): Row {
  return { part, trials: 0, lost: 0, dupInside: 0, dupOutside: 0, blocked: 0, crashed: 0, hung: 0, badState: 0 };
}

export class Tally {
  readonly rows = new Map<string, Row>();
  readonly findings: Finding[] = [];
  /** A trial that tested nothing (its fault step was never reached): the suite fails. */
  readonly invalid: string[] = [];
  /** Facts worth printing under the table (slowest fuzz input, timings). */
  readonly notes: string[] = [];
  readonly extra: Record<string, unknown> = {};

  row(part: string): Row {
    let row = this.rows.get(part);
    if (!row) {
      row = emptyRow(part);
      this.rows.set(part, row);
    }
    return row;
  }

  /** A count that fails the suite (lost, outside duplicates, crashes, hangs) or a blocked run, with its trial. */
  find(part: string, trial: string, what: string, reproduce: string): void {
    this.findings.push({ part, trial, what, reproduce });
  }

  total(): Row {
    const total = emptyRow('total');
    for (const row of this.rows.values()) for (const key of KEYS) total[key] += row[key];
    return total;
  }

  /** Lost alerts, duplicates outside the window, crashes, hangs, a bad state or an untested trial fail the suite. */
  failed(): boolean {
    const t = this.total();
    return t.lost > 0 || t.dupOutside > 0 || t.crashed > 0 || t.hung > 0 || t.badState > 0 || this.invalid.length > 0;
  }

  table(): string {
    const header = [
      'part',
      'trials',
      'lost',
      'dup in window',
      'dup outside',
      'blocked',
      'crashed',
      'hung',
      'bad state',
    ];
    const body = [...this.rows.values(), this.total()].map((r) => [
      r.part,
      String(r.trials),
      String(r.lost),
      String(r.dupInside),
      String(r.dupOutside),
      String(r.blocked),
      String(r.crashed),
      String(r.hung),
      String(r.badState),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  }

  json(): unknown {
    return {
      rows: [...this.rows.values()],
      total: this.total(),
      failed: this.failed(),
      invalid: this.invalid,
      findings: this.findings,
      notes: this.notes,
      ...this.extra,
    };
  }
}
