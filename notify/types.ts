import type { ChangeSet } from '../catalog/changes.js';
import type { EndpointKind } from '../catalog/model.js';

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
export type Notification =
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
      /** How the document's layout changed (said once, here and in the commit): "column S.No is now No.". */
      layout?: string[];
      /** Removals in this change set that had been withheld and are now confirmed. */
      confirmed?: { count: number; how: string };
      /** Removals of this version still withheld (announced in their own alert), not in this change set. */
      withheldCount?: number;
      /** With a layout change: the document's text around the changed endpoints (catalog/document-context.ts). */
      documentText?: string;
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
    };

export interface Notifier {
  /** Stable id used in the outbox ("slack", "email:netsec@example.com", "console"). */
  readonly id: string;
  /** Delivers one notification; throws NotifyError when it could not (after its own retries). */
  send(notification: Notification): Promise<void>;
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
