// Small helpers to build DOM safely: strings always become text, never markup.

import { listTime, messageTime, fullTime as fullDate } from './dates.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. attrs: plain attributes, `class`, `dataset`, `on*` functions as listeners,
 * and a few properties (value, checked, disabled, hidden). Children: nodes, strings, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const ICONS = {
  inbox: 'M4 4h16v10h-5l-1.5 2h-3L9 14H4zM4 14v6h16v-6',
  compose: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19.4 13a7.5 7.5 0 0 0 0-2l2-1.6-2-3.4-2.4 1a7.5 7.5 0 0 0-1.7-1L15 3.5h-4l-.3 2.5a7.5 7.5 0 0 0-1.7 1l-2.4-1-2 3.4 2 1.6a7.5 7.5 0 0 0 0 2l-2 1.6 2 3.4 2.4-1a7.5 7.5 0 0 0 1.7 1l.3 2.5h4l.3-2.5a7.5 7.5 0 0 0 1.7-1l2.4 1 2-3.4z',
  canned: 'M5 4h14v16l-7-4-7 4z',
  keyboard: 'M3 7h18v10H3zM6 10h1M9 10h1M12 10h1M15 10h1M18 10h0M7 14h10',
  back: 'M15 5l-7 7 7 7',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM15.5 15.5L20 20',
  close: 'M6 6l12 12M18 6L6 18',
  send: 'M4 12l16-8-6 16-2.5-6.5z',
  paperclip: 'M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8',
  check: 'M5 12.5l4.5 4.5L19 7',
  checks: 'M2 12.5l4.5 4.5L16 7M10 15l2 2 9.5-10',
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z',
  warning: 'M12 3l10 18H2zM12 10v5M12 18v.5',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  plus: 'M12 5v14M5 12h14',
  mail: 'M3 6h18v12H3zM3 7l9 6 9-6',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6',
  menu: 'M4 7h16M4 12h16M4 17h16',
  trash: 'M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13',
  edit: 'M4 20h4L19 9l-4-4L4 16z',
  people: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.5a4 4 0 0 1 0 7.5M18 14a6 6 0 0 1 4 5.6V21',
  groups: 'M12 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM5 13a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM19 13a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM7 20a5 5 0 0 1 10 0M1 19a4 4 0 0 1 5-3.8M23 19a4 4 0 0 0-5-3.8',
  audit: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7',
  archive: 'M3 4h18v4H3zM5 8v12h14V8M10 12h4',
  unarchive: 'M3 4h18v4H3zM5 8v12h14V8M12 18v-6M9 14l3-3 3 3',
  unread: 'M3 6h12M3 18h18V11M3 6v12M3 7l8 6 5-3.5M17 5a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
  print: 'M7 9V3h10v6M7 17H4v-8h16v8h-3M7 14h10v7H7z',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
};

/** A decorative stroke icon; give the surrounding control its own label. */
export function icon(name, size = 18) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name] || '');
  svg.append(path);
  return svg;
}

/** Initials for an avatar circle. */
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] || '?';
  const last = parts.length > 1 ? parts[parts.length - 1][0] : '';
  return (first + last).toUpperCase();
}

export function avatar(person, size = 'md') {
  const name = person?.name || '?';
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return h('span', { class: `avatar avatar-${size} hue-${hash % 8}`, 'aria-hidden': 'true' }, initials(name));
}

const ROLE_LABELS = { admin: 'Admin', staff: 'Staff', client: 'Client', prospect: 'Prospect' };

export function roleLabel(role) {
  return ROLE_LABELS[role] || role || '';
}

export function isStaff(user) {
  return user && (user.role === 'admin' || user.role === 'staff');
}

/** Times in the viewer's own zone (see dates.js): for lists. */
export const shortTime = (iso) => listTime(iso);

/** The time today, the date and time otherwise: for read receipts and message headers. */
export const stamp = (iso) => messageTime(iso);

/** The full date, time and zone: tooltips and print. */
export const fullTime = (iso) => fullDate(iso);

/** A <time> element showing a short form with the full date as its tooltip. */
export function timeEl(iso, format = shortTime) {
  return h('time', { datetime: iso, title: fullTime(iso) }, format(iso));
}

let uid = 0;
export function uniqueId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** True when keyboard input goes into a text field or an editor. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest('[contenteditable=""], [contenteditable="true"]')) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target.getAttribute('type') || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return false;
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
