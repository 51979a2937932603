import { z } from 'zod';
import type { ChangeSet } from '../catalog/changes.js';
import type { EndpointKind } from '../catalog/model.js';
import { NotifyError } from '../errors/index.js';
import type { DigestSchedule } from './digest-schedule.js';

/** A removal withheld because it looks like breakage (pipeline/health.ts), as an alert lists it. */
export interface WithheldItem {
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  /** ISO time of the first run that found it gone. */
  since: string;
}

/**
 * What the pipeline asks notifiers to tell people. Exactly one notification per source run that
 * has something to say; an unchanged source produces none.
 */
export type Notification = (
  | {
      type: 'changes';
      source: string;
      /** URL or path the document was read from. */
      location: string;
      /** The page people read (the source's `pageUrl`), when it is not `location`. */
      pageUrl?: string;
      changeSet: ChangeSet;
      /** Snapshot commit holding the new state (null in --dry-run). */
      commit: string | null;
      /** Link to that commit when the config gives a commitUrl template. */
      commitUrl?: string | null;
      /** The history page of this source, when the config gives `historyUrl`. */
      historyUrl?: string;
      /** How the document's layout changed (said once, here and in the commit): "column S.No is now No.". */
      layout?: string[];
      /** Removals in this change set that had been withheld and are now confirmed. */
      confirmed?: { count: number; how: string };
      /** Removals of this version still withheld (announced in their own alert), not in this change set. */
      withheldCount?: number;
      /** With a layout change: the document's text around the changed endpoints (catalog/document-context.ts). */
      documentText?: string;
      /** The feed's own serial of the new version (AWS `syncToken`, Azure `changeNumber`, ...). */
      serial?: { name: string; value: string };
      /** Set by a notifier's routing (notify/routing.ts): say the headline and counts, not every line. */
      summaryOnly?: boolean;
    }
  | {
      /** First snapshot of a source: one short notice, never N "added" alerts. */
      type: 'baseline';
      source: string;
      location: string;
      pageUrl?: string;
      entryCount: number;
      commit: string | null;
      commitUrl?: string | null;
      historyUrl?: string;
    }
  | {
      /**
       * Removals that look like breakage (the page lost most of its endpoints, or a whole
       * section): withheld, still in the catalog, everything else committed as usual.
       */
      type: 'withheld';
      source: string;
      location: string;
      pageUrl?: string;
      /** Why they look like breakage. */
      reasons: string[];
      removals: WithheldItem[];
      /** When they are committed as removals if the page keeps this state; null: only a person can accept them. */
      confirmAt: string | null;
      /** The document's text where the withheld endpoints vanished (catalog/document-context.ts). */
      documentText?: string;
    }
  | {
      /** Written by versions before withheld removals (a whole version held); still delivered from old outboxes. */
      type: 'health';
      source: string;
      location: string;
      problems: string[];
    }
  | SourceFailingNotification
  | SourceRecoveredNotification
) & {
  /**
   * Set on a re-send after an attempt whose answer timed out once the message was sent: it may
   * have arrived already (pipeline/deliver.ts). The title says so.
   */
  possibleDuplicate?: boolean;
};

/**
 * A source that keeps failing (fetch error, HTTP 500, an error page, a parse failure, a commit
 * that git refused): sent once it has failed for `failureAlertAfter`, again at most every
 * `failureRepeatAfter` while it lasts (pipeline/source-failures.ts).
 */
export interface SourceFailingNotification {
  type: 'source-failing';
  source: string;
  location: string;
  /** The last error, as `run` printed it, and its code (FETCH, PARSE, STORE, ...). */
  error: { code: string; message: string };
  /** ISO time of the first failure of this streak. */
  since: string;
  /** Consecutive failed runs so far. */
  failures: number;
  /** ISO time of the run that sent this alert. */
  at: string;
  /** False for the first alert of a streak, true for the reminders. */
  reminder: boolean;
}

/** A source that had been announced as failing works again. */
export interface SourceRecoveredNotification {
  type: 'source-recovered';
  source: string;
  location: string;
  /** ISO time of the first failure of the streak that ended. */
  since: string;
  /** ISO time of the run that worked. */
  recoveredAt: string;
  /** Failed runs in the streak. */
  failures: number;
  /** The last error of the streak. */
  lastError: string;
}

/**
 * The optional `id:` of a notifier entry, which every type takes (notify/routing.ts): the name
 * the outbox records deliveries under. Given explicitly, changing the channel or reordering
 * recipients keeps it, so no pending alert is orphaned. Absent, it is derived
 * (`slack:<channel>`, `email:<first recipient>`), and a derived id may be written as it is.
 */
export const notifierIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@#+-]{0,127}$/, {
    error: 'must be 1-128 characters: letters, digits and _ . : @ # + - (starting with a letter or digit)',
  })
  .optional();

/**
 * A notifier that may have delivered: the message was sent and the answer timed out. The outbox
 * keeps the alert, but it is not sent again in the same run (pipeline/deliver.ts).
 */
export class MaybeDeliveredError extends NotifyError {
  readonly maybeDelivered = true;
}

/**
 * Several alerts in one message, for a notifier with `digest:` (pipeline/dispatch.ts holds its
 * alerts until the digest time). Each item is an alert as the outbox holds it; the notifier's
 * routing filters each one, and the medium renders them with its per-alert rendering
 * (notify/digest.ts).
 */
export interface Digest {
  items: Notification[];
  schedule: DigestSchedule;
  /** ISO time the oldest item was queued. */
  since: string;
  /** A re-send after an attempt whose answer timed out (see Notification.possibleDuplicate). */
  possibleDuplicate?: boolean;
}

export interface Notifier {
  /** Stable id used in the outbox ("slack", "email:netsec@example.com", "console", or the config's `id:`). */
  readonly id: string;
  /** Its config `type` ("slack", "email"): a pending alert of a notifier renamed in the config goes to its successor of the same type. */
  readonly type?: string;
  /** Delivers one notification; throws NotifyError when it could not (after its own retries). */
  send(notification: Notification): Promise<void>;
  /** Delivers several alerts as one message; every type has it (notify/digest.ts renders). */
  sendDigest?(digest: Digest): Promise<void>;
  /** Set by `digest:`: change and baseline alerts wait for this schedule (notify/digest-schedule.ts). */
  readonly digest?: DigestSchedule;
  /** What of `notification` this notifier's routing lets through (null: nothing); absent: all of it. */
  route?(notification: Notification): Notification | null;
}

/** What every notifier gets besides its own options. */
export interface NotifierContext {
  /** Where console output goes (stdout in the CLI, a buffer in tests). */
  stdout: NodeJS.WritableStream;
}

/**
 * One kind of notifier. `options` is the zod schema of its config entry (including `type`),
 * so config validation names the offending key; `create` builds a notifier from parsed options.
 */
export interface NotifierModule<Options extends { type: string } = { type: string }> {
  readonly type: string;
  readonly description: string;
  readonly options: import('zod').ZodType<Options>;
  create(options: Options, context: NotifierContext): Notifier;
}
