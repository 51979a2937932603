/** The last digest time at or before now: daily, weekly, in UTC and in a zone with daylight saving. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestSchedule, lastDigestTime } from './digest-schedule.js';
import { digestSlack, digestText } from './digest.js';
import { SLACK_LIMITS } from './format.js';
import type { Notification } from './types.js';

const at = (iso: string) => new Date(iso);

test('daily: the same day once the time has come, else the day before', () => {
  const daily = digestSchedule({ digest: 'daily', digestAt: '08:00' })!;
  assert.equal(lastDigestTime(daily, at('2026-03-02T08:00:00Z')).toISOString(), '2026-03-02T08:00:00.000Z');
  assert.equal(lastDigestTime(daily, at('2026-03-02T07:59:59Z')).toISOString(), '2026-03-01T08:00:00.000Z');
  assert.equal(lastDigestTime(daily, at('2026-03-01T00:10:00Z')).toISOString(), '2026-02-28T08:00:00.000Z');
});

test('weekly: the last given weekday at the time', () => {
  const weekly = digestSchedule({ digest: 'weekly', digestDay: 'monday', digestAt: '07:30' })!;
  // 2026-03-02 is a Monday.
  assert.equal(lastDigestTime(weekly, at('2026-03-04T12:00:00Z')).toISOString(), '2026-03-02T07:30:00.000Z');
  assert.equal(lastDigestTime(weekly, at('2026-03-02T07:29:00Z')).toISOString(), '2026-02-23T07:30:00.000Z');
  assert.equal(lastDigestTime(weekly, at('2026-03-09T07:30:00Z')).toISOString(), '2026-03-09T07:30:00.000Z');
});

test('a time zone: wall-clock 08:00 there, in winter and in summer time', () => {
  const berlin = digestSchedule({ digest: 'daily', digestAt: '08:00', digestTimeZone: 'Europe/Berlin' })!;
  assert.equal(lastDigestTime(berlin, at('2026-01-15T12:00:00Z')).toISOString(), '2026-01-15T07:00:00.000Z');
  assert.equal(lastDigestTime(berlin, at('2026-07-15T12:00:00Z')).toISOString(), '2026-07-15T06:00:00.000Z');
  assert.equal(lastDigestTime(berlin, at('2026-07-15T05:59:00Z')).toISOString(), '2026-07-14T06:00:00.000Z');
  // The night daylight saving starts (29 March 2026): 08:00 is 06:00 UTC that day.
  assert.equal(lastDigestTime(berlin, at('2026-03-29T09:00:00Z')).toISOString(), '2026-03-29T06:00:00.000Z');
});

test('a digest composes each alert as it would read alone, and Slack stays under its block limit', () => {
  const baseline = (source: string, entryCount: number): Notification => ({
    type: 'baseline',
    source,
    location: `./${source}.md`,
    entryCount,
    commit: null,
  });
  const items = Array.from({ length: 30 }, (_, i) => baseline(`s${i}`, i + 1));
  const schedule = digestSchedule({ digest: 'daily' })!;
  const digest = { items, schedule, since: '2026-03-02T06:00:00Z' };
  const text = digestText(digest);
  assert.match(text, /^Daily digest: 30 alerts \(s0, s1, s2, \.\.\.\) since 2026-03-02 06:00 UTC/);
  assert.match(text, /s29: now tracking 30 endpoints/);
  // Three alerts fit whole: each keeps its own blocks (header, note, context).
  const few = digestSlack({ ...digest, items: items.slice(0, 3) });
  assert.equal(few.blocks.filter((b) => b.type === 'header').length, 4);
  // Thirty do not: one section each, titles first, under Slack's block limit, none dropped.
  const many = digestSlack(digest);
  assert.ok(many.blocks.length <= SLACK_LIMITS.blocks);
  assert.equal(many.blocks.filter((b) => b.type === 'section').length, 30);
  assert.match(JSON.stringify(many.blocks[1]), /\*s0: now tracking 1 endpoint\*/);
  const hundred = digestSlack({ ...digest, items: Array.from({ length: 100 }, (_, i) => baseline(`t${i}`, 1)) });
  assert.ok(hundred.blocks.length <= SLACK_LIMITS.blocks);
  assert.match(JSON.stringify(hundred.blocks.at(-1)), /and 53 more alerts that did not fit/);
});
