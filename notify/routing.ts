/**
 * Routing keys every notifier takes besides its own options: which sources, regions and
 * severities it wants, and whether it gets the whole alert or its counts and headline only.
 *
 * The filter runs inside the notifier (notify/registry.ts wraps each one), when the outbox
 * delivers: an alert the filter leaves empty is "delivered" by sending nothing, so it leaves
 * the notifier's pending list like any sent alert and the outbox keeps its exactly-once
 * guarantee per notifier. What passes, per kind of alert:
 *  - changes: the source must be listed; each change must be in a listed region (a change
 *    with no region always passes; a move passes when either end is listed) and of a listed
 *    severity (`minSeverity: cleanup` = `severities: [action, cleanup]`) and kind (`kinds`:
 *    ip, fqdn, url). The summary is recounted over what is left; the net address counts (a whole
 *    source's figure) are dropped when anything was filtered out.
 *  - baseline: the source must be listed; it counts as `info` for `severities` (nothing to do).
 *  - withheld: the source must be listed; each removal must be in a listed region and kind, and they
 *    count as `cleanup` (removals) for `severities`.
 *  - anything else (parser health, delivery failures): the source only. An alert that the tool
 *    itself is broken goes to whoever watches the source, whatever its regions or severities.
 */
import { z } from 'zod';
import { type Change, type ChangeSet, type Severity, summarize } from '../catalog/changes.js';
import type { EndpointKind } from '../catalog/model.js';
import { type DigestSchedule, digestSchedule, digestShape } from './digest-schedule.js';
import { type Digest, type Notification, type Notifier, notifierIdSchema } from './types.js';

export const SEVERITIES = ['action', 'cleanup', 'info'] as const;
const ENDPOINT_KINDS = ['ip', 'fqdn', 'url'] as const satisfies readonly EndpointKind[];

export const routingShape = {
  /** Replaces the notifier's derived id ("slack", "teams", "webhook:<host>"), so two of a kind can coexist. */
  id: notifierIdSchema,
  sources: z.array(z.string().min(1)).min(1, { error: 'list at least one source id, or leave it out' }).optional(),
  regions: z.array(z.string().min(1)).min(1, { error: 'list at least one region, or leave it out' }).optional(),
  severities: z
    .array(z.enum(SEVERITIES, { error: 'must be one of action, cleanup, info' }))
    .min(1, { error: 'list at least one severity, or leave it out' })
    .optional(),
  /** At least this urgent: `cleanup` is `severities: [action, cleanup]` (both given: both apply). */
  minSeverity: z.enum(SEVERITIES, { error: 'must be one of action, cleanup, info' }).optional(),
  /** Endpoint kinds wanted: `ip` (addresses and CIDR ranges), `fqdn` (host names and patterns), `url`. */
  kinds: z
    .array(z.enum(ENDPOINT_KINDS, { error: 'must be one of ip (addresses and CIDR ranges), fqdn (hosts), url' }))
    .min(1, { error: 'list at least one kind, or leave it out' })
    .optional(),
  summaryOnly: z.boolean().default(false),
  /** `digest: daily|weekly`, `digestAt`, `digestDay`, `digestTimeZone` (notify/digest-schedule.ts). */
  ...digestShape,
};

export const ROUTING_KEYS = Object.keys(routingShape);

export interface Routing {
  id?: string | undefined;
  sources?: string[] | undefined;
  regions?: string[] | undefined;
  severities?: Severity[] | undefined;
  kinds?: EndpointKind[] | undefined;
  summaryOnly: boolean;
  digest?: DigestSchedule | null | undefined;
}

/** Splits parsed options into the routing keys and the notifier type's own options. */
export function splitRouting<T extends Record<string, unknown>>(
  options: T,
): { routing: Routing; own: Omit<T, keyof Routing | 'minSeverity' | keyof typeof digestShape> } {
  const {
    id,
    sources,
    regions,
    severities: listed,
    minSeverity,
    kinds,
    summaryOnly,
    digest,
    digestAt,
    digestDay,
    digestTimeZone,
    ...own
  } = options as T & Routing & { minSeverity?: Severity } & Parameters<typeof digestSchedule>[0];
  const schedule = digestSchedule({ digest, digestAt, digestDay, digestTimeZone });
  // SEVERITIES runs from the most urgent: `minSeverity` keeps it and those before it.
  const atLeast = minSeverity ? SEVERITIES.slice(0, SEVERITIES.indexOf(minSeverity) + 1) : undefined;
  const severities = listed && atLeast ? listed.filter((s) => atLeast.includes(s)) : (listed ?? atLeast);
  return {
    routing: { id, sources, regions, severities, kinds, summaryOnly: summaryOnly ?? false, digest: schedule },
    own,
  };
}

export function isRouted(routing: Routing): boolean {
  return Boolean(
    routing.sources || routing.regions || routing.severities || routing.kinds || routing.summaryOnly || routing.digest,
  );
}

function regionPasses(routing: Routing, ...regions: Array<string | null | undefined>): boolean {
  if (!routing.regions) return true;
  if (regions.some((region) => region === null || region === undefined)) return true;
  return regions.some((region) => routing.regions!.includes(region!));
}

function severityPasses(routing: Routing, severity: Severity): boolean {
  return !routing.severities || routing.severities.includes(severity);
}

function kindPasses(routing: Routing, kind: EndpointKind): boolean {
  return !routing.kinds || routing.kinds.includes(kind);
}

function changePasses(routing: Routing, change: Change): boolean {
  if (!kindPasses(routing, change.kind)) return false;
  const regionOk =
    change.type === 'moved' && change.from && change.to
      ? regionPasses(routing, change.from.region) || regionPasses(routing, change.to.region)
      : regionPasses(routing, change.region);
  return regionOk && severityPasses(routing, change.severity ?? 'info');
}

function filterChangeSet(routing: Routing, set: ChangeSet): ChangeSet {
  const changes = set.changes.filter((change) => changePasses(routing, change));
  if (changes.length === set.changes.length) return set;
  const relabels = set.relabels?.filter((relabel) => regionPasses(routing, relabel.to.region));
  return { ...set, changes, summary: summarize(changes), ...(relabels ? { relabels } : {}) };
}

/** What of `notification` this routing lets through; null when nothing is left to send. */
export function routeNotification(routing: Routing, notification: Notification): Notification | null {
  const source = (notification as { source?: unknown }).source;
  if (routing.sources && typeof source === 'string' && !routing.sources.includes(source)) return null;
  switch (notification.type) {
    case 'changes': {
      const changeSet = filterChangeSet(routing, notification.changeSet);
      if (changeSet.changes.length === 0) return null;
      if (changeSet === notification.changeSet)
        return routing.summaryOnly ? { ...notification, summaryOnly: true } : notification;
      // `confirmed` and `withheldCount` count the whole version's removals: not this filtered view.
      const { confirmed: _confirmed, withheldCount: _withheld, ...rest } = notification;
      return { ...rest, changeSet, ...(routing.summaryOnly ? { summaryOnly: true } : {}) };
    }
    case 'baseline':
      return severityPasses(routing, 'info') ? notification : null;
    case 'withheld': {
      if (!severityPasses(routing, 'cleanup')) return null;
      const removals = notification.removals.filter(
        (item) => regionPasses(routing, item.region) && kindPasses(routing, item.kind),
      );
      if (removals.length === 0) return null;
      return removals.length === notification.removals.length ? notification : { ...notification, removals };
    }
    default:
      return notification;
  }
}

/**
 * The notifier with its routing applied: filtered alerts, its own id when one is given, and its
 * digest schedule. A digest is filtered item by item; one that keeps no item sends nothing.
 */
export function routedNotifier(notifier: Notifier, routing: Routing): Notifier {
  if (!routing.id && !isRouted(routing)) return notifier;
  const sendDigest = notifier.sendDigest?.bind(notifier);
  return {
    id: routing.id ?? notifier.id,
    ...(notifier.type ? { type: notifier.type } : {}),
    ...(routing.digest ? { digest: routing.digest } : {}),
    route: (notification) => routeNotification(routing, notification),
    // The outbox hands a renamed notifier's pending alerts to its successor of the same type.
    ...(notifier.type ? { type: notifier.type } : {}),
    async send(notification: Notification): Promise<void> {
      const routed = routeNotification(routing, notification);
      if (routed) await notifier.send(routed);
    },
    ...(sendDigest
      ? {
          async sendDigest(digest: Digest): Promise<void> {
            const items = digest.items
              .map((item) => routeNotification(routing, item))
              .filter((item): item is Notification => item !== null);
            if (items.length) await sendDigest({ ...digest, items });
          },
        }
      : {}),
  };
}
