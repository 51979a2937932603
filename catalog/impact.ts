/**
 * What a change means for the person who runs the firewall or proxy.
 *
 * Impact (in the spirit of the Microsoft 365 change feed):
 *   added    -> AddedIp (kind ip) / AddedUrl (kinds fqdn and url)
 *   removed  -> RemovedIp / RemovedUrl
 *   moved    -> Moved (even when its ports etc. changed too; those still count for severity)
 *   reshaped -> Reshaped
 *   modified -> the changed field that matters most: the one with the highest severity, ties
 *               broken in this order: ports, required, role, expressRoute, category
 *               (ChangedPorts, ChangedRequired, ChangedRole, ChangedExpressRoute, ChangedCategory).
 *               Ports come first because a port change is a firewall rule change by itself.
 *
 * Severity, highest first:
 *   action  - an endpoint to open now: an added or moved-in endpoint that is required; ports
 *             widened (a port, protocol or "custom" that was not allowed before, or ports stated
 *             for the first time); Optional -> Required (or -> unstated); a role change.
 *   cleanup - something that may be closed: a removed endpoint (required or not: a rule may have
 *             been opened for it); ports narrowed; Required (or unstated) -> Optional.
 *   info    - nothing to do: anything on an Optional endpoint that would otherwise be `action`;
 *             re-shapes (covered addresses unchanged); ExpressRoute and category flags;
 *             Required <-> unstated; a port list re-written without changing what it allows;
 *             ports no longer stated (nothing safe to close).
 * `required === null` counts as required: several layouts never say Required (the Defender for
 * Cloud Apps tables list only what must be reachable), and a new IP there must be opened.
 * A change's severity is the highest of its reasons.
 */
import type { Change, ChangedField, Impact, Severity } from './changes.js';
import { SEVERITY_ORDER } from './changes.js';
import type { PortSpec } from './model.js';
import { isEmptyPorts } from './ports.js';

type ChangeLike = Omit<Change, 'message'>;

/** The more important of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER[a] <= SEVERITY_ORDER[b] ? a : b;
}

/** Required, for severity: true and null (not stated) both count as required. */
export function countsAsRequired(required: boolean | null | undefined): boolean {
  return required !== false;
}

type Interval = [number, number];

function intervals(tokens: string[]): Interval[] {
  const list = tokens
    .map((token): Interval => {
      const [from = '', to] = token.split('-');
      const start = parseInt(from, 10);
      return [start, to === undefined ? start : parseInt(to, 10)];
    })
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const [start, end] of list) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function intervalsCover(outer: Interval[], inner: Interval[]): boolean {
  return inner.every(([start, end]) => outer.some(([a, b]) => a <= start && end <= b));
}

/** What a port spec allows: ports written without a protocol allow both TCP and UDP. */
function allowed(spec: PortSpec): { tcp: Interval[]; udp: Interval[]; custom: boolean } {
  return {
    tcp: intervals([...spec.tcp, ...spec.any]),
    udp: intervals([...spec.udp, ...spec.any]),
    custom: spec.custom,
  };
}

/** True when `after` allows something `before` did not. */
export function portsWidened(before: PortSpec, after: PortSpec): boolean {
  const b = allowed(before);
  const a = allowed(after);
  return !intervalsCover(b.tcp, a.tcp) || !intervalsCover(b.udp, a.udp) || (a.custom && !b.custom);
}

/** Severity of a port change (see the module comment). */
export function portChangeSeverity(before: PortSpec, after: PortSpec): Severity {
  if (isEmptyPorts(after)) return 'info';
  if (isEmptyPorts(before)) return 'action';
  if (portsWidened(before, after)) return 'action';
  if (portsWidened(after, before)) return 'cleanup';
  return 'info';
}

function requiredChangeSeverity(before: boolean | null | undefined, after: boolean | null | undefined): Severity {
  const was = countsAsRequired(before);
  const now = countsAsRequired(after);
  if (!was && now) return 'action';
  if (was && !now) return 'cleanup';
  return 'info';
}

function fieldSeverity(change: ChangeLike, field: ChangedField): Severity {
  switch (field) {
    case 'ports': {
      const before = change.before?.ports;
      const after = change.after?.ports;
      return before && after ? portChangeSeverity(before, after) : 'info';
    }
    case 'required':
      return requiredChangeSeverity(change.before?.required, change.after?.required);
    case 'role':
      return 'action';
    case 'expressRoute':
    case 'category':
      return 'info';
  }
}

const FIELD_IMPACT: Record<ChangedField, Impact> = {
  ports: 'ChangedPorts',
  required: 'ChangedRequired',
  role: 'ChangedRole',
  expressRoute: 'ChangedExpressRoute',
  category: 'ChangedCategory',
};

/** Tie-break order of changed fields for the impact of a `modified` change. */
export const FIELD_IMPORTANCE: readonly ChangedField[] = ['ports', 'required', 'role', 'expressRoute', 'category'];

/** Action on an Optional endpoint is only information: nobody has to open it. */
function capForOptional(change: ChangeLike, level: Severity): Severity {
  return level === 'action' && !countsAsRequired(change.entry.required) ? 'info' : level;
}

/** The impact of one change (see the module comment). */
export function impact(change: ChangeLike): Impact {
  const isIp = change.kind === 'ip';
  switch (change.type) {
    case 'added':
      return isIp ? 'AddedIp' : 'AddedUrl';
    case 'removed':
      return isIp ? 'RemovedIp' : 'RemovedUrl';
    case 'moved':
      return 'Moved';
    case 'reshaped':
      return 'Reshaped';
    case 'modified': {
      let best: { field: ChangedField; level: Severity } | null = null;
      for (const field of FIELD_IMPORTANCE) {
        if (!change.fields.includes(field)) continue;
        const level = fieldSeverity(change, field);
        if (!best || SEVERITY_ORDER[level] < SEVERITY_ORDER[best.level]) best = { field, level };
      }
      // A modified change always names a field; ports is the safe reading if one ever does not.
      return FIELD_IMPACT[best?.field ?? 'ports'];
    }
  }
}

/** The severity of one change (see the module comment). */
export function severity(change: ChangeLike): Severity {
  const fromFields = () =>
    change.fields.reduce<Severity>((level, field) => maxSeverity(level, fieldSeverity(change, field)), 'info');
  switch (change.type) {
    case 'added':
      return countsAsRequired(change.entry.required) ? 'action' : 'info';
    case 'removed':
      return 'cleanup';
    case 'reshaped':
      return 'info';
    case 'moved':
      return capForOptional(change, maxSeverity('action', fromFields()));
    case 'modified':
      return capForOptional(change, fromFields());
  }
}

/** The change with its `impact` and `severity` set. */
export function withImpact<T extends ChangeLike>(change: T): T & { impact: Impact; severity: Severity } {
  return { ...change, impact: impact(change), severity: severity(change) };
}

/** Orders changes so that what needs action comes first, then cleanup, then information. */
export function compareSeverity(a: Pick<Change, 'severity'>, b: Pick<Change, 'severity'>): number {
  return SEVERITY_ORDER[a.severity ?? 'info'] - SEVERITY_ORDER[b.severity ?? 'info'];
}
