// The part of a reply by email that Parley left out of the message (the quoted history, the
// signature): hidden behind a "Show quoted text" button, so that nothing the person sent is out of reach.
import { h } from './dom.js';

export function quotedBlock(m) {
  if (!m.quotedHtml) return null;
  const id = `message-${m.id}-quoted`;
  const text = h('div', { class: 'message-quoted prose', id, hidden: true });
  // quotedHtml is escaped and sanitized by the server before it is stored, like bodyHtml.
  text.innerHTML = m.quotedHtml;
  const button = h('button', { type: 'button', class: 'quoted-toggle', 'aria-expanded': 'false', 'aria-controls': id },
    'Show quoted text');
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide quoted text' : 'Show quoted text';
    text.hidden = !open;
  });
  return h('div', { class: 'message-quoted-wrap' }, button, text);
}
