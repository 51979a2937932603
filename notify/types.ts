import type { ChangeSet } from '../catalog/changes.js';

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
      changeSet: ChangeSet;
      /** Snapshot commit holding the new state (null in --dry-run). */
      commit: string | null;
      /** Link to that commit when the config gives a commitUrl template. */
      commitUrl?: string | null;
    }
  | {
      /** First snapshot of a source: one short notice, never N "added" alerts. */
      type: 'baseline';
      source: string;
      location: string;
      entryCount: number;
      commit: string | null;
      commitUrl?: string | null;
    }
  | {
      /** The new version looks broken (tables lost, most entries gone): held, not committed. */
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
