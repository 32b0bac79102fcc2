// Times in lists and threads: the viewer's zone decides what "today" is, a date is shown for any
// other day, and the full form names the zone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listTime, messageTime, fullTime, dayKind, userTimeZone } from '../src/dates.js';

const paris = { timeZone: 'Europe/Paris', locale: 'en-US', now: '2026-03-10T10:00:00Z' };
const tokyo = { ...paris, timeZone: 'Asia/Tokyo' };

test('a message from today shows only its time, in the viewer\'s zone', () => {
  assert.equal(listTime('2026-03-10T09:05:00Z', paris), '10:05 AM');
  assert.equal(messageTime('2026-03-10T09:05:00Z', paris), '10:05 AM');
});

test('a message from another day this year shows the date with the time', () => {
  assert.equal(listTime('2026-03-03T09:42:00Z', paris), 'Mar 3, 10:42 AM');
  assert.equal(messageTime('2026-03-03T09:42:00Z', paris), 'Mar 3, 10:42 AM');
});

test('a message from an earlier year shows the year; headers keep the time too', () => {
  assert.equal(listTime('2024-12-24T18:00:00Z', paris), 'Dec 24, 2024');
  assert.equal(messageTime('2024-12-24T18:00:00Z', paris), 'Dec 24, 2024, 7:00 PM');
});

test('"today" is the viewer\'s calendar day, not the server\'s: late evening UTC is tomorrow in Tokyo', () => {
  // 23:30 UTC on March 9 is 08:30 on March 10 in Tokyo, and 19:30 on March 9 in New York.
  const late = '2026-03-09T23:30:00Z';
  assert.equal(dayKind(late, tokyo), 'today');
  assert.equal(listTime(late, tokyo), '8:30 AM');
  assert.equal(dayKind(late, { ...paris, timeZone: 'America/New_York' }), 'year');
  assert.equal(listTime(late, { ...paris, timeZone: 'America/New_York' }), 'Mar 9, 7:30 PM');
});

test('the full form names the weekday, the date, the time and the zone', () => {
  assert.equal(fullTime('2026-03-03T09:42:00Z', paris), 'Tuesday, March 3, 2026 at 10:42 AM GMT+1');
  assert.equal(fullTime('2026-07-03T09:42:00Z', { ...paris, timeZone: 'America/New_York' }), 'Friday, July 3, 2026 at 5:42 AM EDT');
});

test('a missing or broken time shows nothing rather than "Invalid Date"', () => {
  assert.equal(listTime(null, paris), '');
  assert.equal(messageTime('not a date', paris), '');
  assert.equal(fullTime(undefined, paris), '');
});

test('the zone used by default is the one the runtime reports', () => {
  assert.equal(userTimeZone(), Intl.DateTimeFormat().resolvedOptions().timeZone);
});
