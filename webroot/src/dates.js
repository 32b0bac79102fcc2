// Dates as people read them, in the viewer's own time zone: a time alone today, a date with it on
// other days, and the full date, time and zone for tooltips and print. Pure: the zone, locale and
// "now" may be given, so the same rules are tested without a browser.

/** The browser's time zone (an IANA name such as "Europe/Paris"), UTC when it cannot tell. */
export function userTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const formats = new Map();

// Building an Intl formatter is slow; lists format hundreds of times, so each kind is kept.
function format(locale, timeZone, options) {
  const key = JSON.stringify([locale, timeZone, options]);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}

function parts(date, locale, timeZone) {
  const out = {};
  for (const p of format(locale, timeZone, { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date)) {
    out[p.type] = p.value;
  }
  return out;
}

function settings({ timeZone = userTimeZone(), locale = undefined, now = new Date() } = {}) {
  return { timeZone, locale, now: new Date(now) };
}

function valid(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const TIME = { hour: 'numeric', minute: '2-digit' };
const DAY = { month: 'short', day: 'numeric' };
const YEAR_DAY = { year: 'numeric', month: 'short', day: 'numeric' };

/** 'today', 'year' (another day this year) or 'older', as the calendar in `timeZone` has it. */
export function dayKind(iso, options) {
  const d = valid(iso);
  if (!d) return null;
  const { timeZone, now } = settings(options);
  const a = parts(d, 'en-US', timeZone);
  const b = parts(now, 'en-US', timeZone);
  if (a.year === b.year && a.month === b.month && a.day === b.day) return 'today';
  return a.year === b.year ? 'year' : 'older';
}

/** For lists: "10:42 AM" today, "Mar 3, 10:42 AM" this year, "Mar 3, 2024" before. */
export function listTime(iso, options) {
  const d = valid(iso);
  if (!d) return '';
  const { timeZone, locale } = settings(options);
  const kind = dayKind(d, options);
  if (kind === 'today') return format(locale, timeZone, TIME).format(d);
  if (kind === 'year') return format(locale, timeZone, { ...DAY, ...TIME }).format(d);
  return format(locale, timeZone, YEAR_DAY).format(d);
}

/** For message headers and read times: the time today, else always the date and the time. */
export function messageTime(iso, options) {
  const d = valid(iso);
  if (!d) return '';
  const { timeZone, locale } = settings(options);
  const kind = dayKind(d, options);
  if (kind === 'today') return format(locale, timeZone, TIME).format(d);
  return format(locale, timeZone, { ...(kind === 'year' ? DAY : YEAR_DAY), ...TIME }).format(d);
}

/** "Tuesday, March 3, 2026 at 10:42 AM CET": the full date and time with the zone, for tooltips and print. */
export function fullTime(iso, options) {
  const d = valid(iso);
  if (!d) return '';
  const { timeZone, locale } = settings(options);
  return format(locale, timeZone, {
    weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', ...TIME, timeZoneName: 'short',
  }).format(d);
}
