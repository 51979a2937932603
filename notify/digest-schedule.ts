/**
 * When a digest notifier's digest is due: `digest: daily` at `digestAt` (default 08:00), or
 * `weekly` on `digestDay` (default monday) at that time, in `digestTimeZone` (an IANA name,
 * default UTC; the wall-clock time there, daylight saving included).
 *
 * The pipeline asks only one question (pipeline/dispatch.ts): which digest time came last at or
 * before now. An item queued before that time is due; the digest then carries every item held.
 */
import { z } from 'zod';

export const DIGEST_EVERY = ['daily', 'weekly'] as const;
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export type Weekday = (typeof WEEKDAYS)[number];

export interface DigestSchedule {
  every: (typeof DIGEST_EVERY)[number];
  /** "HH:MM", 24-hour. */
  at: string;
  /** For `weekly`. */
  day: Weekday;
  timeZone: string;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The routing keys (notify/routing.ts) that make a notifier a digest notifier. */
export const digestShape = {
  digest: z.enum(DIGEST_EVERY, { error: 'must be daily or weekly' }).optional(),
  digestAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day, HH:MM (24-hour), e.g. "08:00"' })
    .optional(),
  digestDay: z.enum(WEEKDAYS, { error: `must be a day of the week (${WEEKDAYS.join(', ')})` }).optional(),
  digestTimeZone: z
    .string()
    .refine(isTimeZone, { error: 'must be UTC or an IANA time zone name, e.g. Europe/Berlin' })
    .optional(),
};

/** The schedule the keys describe, or null for a notifier that sends each alert at once. */
export function digestSchedule(options: {
  digest?: DigestSchedule['every'] | undefined;
  digestAt?: string | undefined;
  digestDay?: Weekday | undefined;
  digestTimeZone?: string | undefined;
}): DigestSchedule | null {
  if (!options.digest) return null;
  return {
    every: options.digest,
    at: options.digestAt ?? '08:00',
    day: options.digestDay ?? 'monday',
    timeZone: options.digestTimeZone ?? 'UTC',
  };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

function wallClock(date: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'long',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS.indexOf(get('weekday').toLowerCase() as Weekday),
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(new Date(instant), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant the wall clock of `timeZone` shows this date and time (a skipped hour moves on). */
function instantOf(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

/** The latest digest time at or before `now`. */
export function lastDigestTime(schedule: DigestSchedule, now: Date): Date {
  const [hour, minute] = schedule.at.split(':').map(Number) as [number, number];
  const today = wallClock(now, schedule.timeZone);
  const back = schedule.every === 'weekly' ? (today.weekday - WEEKDAYS.indexOf(schedule.day) + 7) % 7 : 0;
  const step = schedule.every === 'weekly' ? 7 : 1;
  for (let days = back; ; days += step) {
    // Date.UTC normalises day 0 or -3 to the right month; only the calendar date is used.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day - days));
    const at = instantOf(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      hour,
      minute,
      schedule.timeZone,
    );
    if (at <= now.getTime()) return new Date(at);
  }
}

/** "daily at 08:00 UTC", "weekly on monday at 07:30 Europe/Berlin". */
export function describeSchedule(schedule: DigestSchedule): string {
  return schedule.every === 'weekly'
    ? `weekly on ${schedule.day} at ${schedule.at} ${schedule.timeZone}`
    : `daily at ${schedule.at} ${schedule.timeZone}`;
}
