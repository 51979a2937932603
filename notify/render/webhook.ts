/**
 * The webhook's JSON document for one notification, schema `endpoint-watch.alert/1` (see the
 * README): every change with its entry's ports and Required flag, counts, the headline and
 * title the other media show, and an `id` that is the same for every delivery of one alert.
 * Pure.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../../catalog/changes.js';
import { changeHeadline } from '../../catalog/messages.js';
import type { Notification } from '../types.js';
import { notificationTitle } from './common.js';

export const WEBHOOK_SCHEMA = 'endpoint-watch.alert/1';

function changeJson(change: Change) {
  return {
    type: change.type,
    kind: change.kind,
    value: change.value,
    section: change.section,
    region: change.region,
    group: change.group,
    severity: change.severity ?? null,
    impact: change.impact ?? null,
    ports: change.entry.ports,
    required: change.entry.required,
    fields: change.fields,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
    ...(change.from ? { from: change.from } : {}),
    ...(change.to ? { to: change.to } : {}),
    message: change.message,
  };
}

/** The JSON document for one notification (see the README for the schema). */
export function webhookPayload(notification: Notification, maxChanges = 5000): Record<string, unknown> {
  const base = {
    schema: WEBHOOK_SCHEMA,
    type: notification.type,
    source: notification.source,
    location: notification.location,
    pageUrl: ('pageUrl' in notification && notification.pageUrl) || null,
    title: notificationTitle(notification),
  };
  const historyUrl = ('historyUrl' in notification && notification.historyUrl) || null;
  switch (notification.type) {
    case 'changes': {
      const changes = notification.changeSet.changes;
      return {
        ...base,
        id: alertId(notification),
        headline: changeHeadline(changes),
        commit: notification.commit,
        commitUrl: notification.commitUrl ?? null,
        historyUrl,
        summary: notification.changeSet.summary,
        // A summary-only notifier gets the counts and headline: every change is counted in `truncated`.
        changes: notification.summaryOnly ? [] : changes.slice(0, maxChanges).map(changeJson),
        truncated: notification.summaryOnly ? changes.length : Math.max(0, changes.length - maxChanges),
        summaryOnly: notification.summaryOnly === true,
        relabels: (notification.changeSet.relabels ?? []).map((r) => r.message),
        layout: notification.layout ?? [],
        withheldCount: notification.withheldCount ?? 0,
        serial: notification.serial ?? null,
      };
    }
    case 'baseline':
      return {
        ...base,
        id: alertId(notification),
        commit: notification.commit,
        commitUrl: notification.commitUrl ?? null,
        historyUrl,
        entryCount: notification.entryCount,
      };
    case 'withheld':
      return {
        ...base,
        id: alertId(notification),
        reasons: notification.reasons,
        confirmAt: notification.confirmAt,
        removals: notification.removals.slice(0, maxChanges),
        truncated: Math.max(0, notification.removals.length - maxChanges),
      };
    case 'health':
      return { ...base, id: alertId(notification), problems: notification.problems };
    case 'source-failing':
    case 'source-recovered': {
      // Every field of these small notifications as it is: error, since, failures, ...
      const { type: _type, source: _source, location: _location, ...fields } = notification;
      return { ...base, id: alertId(notification), ...fields };
    }
  }
}

/** Same for every delivery of one alert: a hash of what it says. */
function alertId(notification: Notification): string {
  return createHash('sha256').update(JSON.stringify(notification)).digest('hex').slice(0, 32);
}
