// The JSON API client. The session is an HttpOnly cookie; every write carries the CSRF header
// the server requires of cookie-authenticated requests.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = fieldOf(message);
  }
}

/** The request field an error message names, as in "'subject' is longer than 200 characters". */
function fieldOf(message) {
  const quoted = /'([A-Za-z][A-Za-z0-9]*)'/.exec(message || '');
  return quoted ? quoted[1] : null;
}

let unauthorizedHandler = () => {};

/** Called when any request (other than sign-in) answers 401: the session has ended. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

/** keepalive: the request outlives the page (a draft saved as the page is left). */
export async function request(method, path, body, extra = {}, { keepalive = false } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (method !== 'GET') headers['X-Parley-CSRF'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Parley cannot be reached right now. Check your connection and try again.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data?.error || `http_${res.status}`,
      sentence(data?.message) || defaultMessage(res.status));
    error.data = data;
    if (res.status === 401 && path !== '/api/auth/login') unauthorizedHandler();
    throw error;
  }
  return data;
}

/** The server writes terse lower-case messages; show them as sentences. */
function sentence(text) {
  if (!text) return null;
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

function defaultMessage(status) {
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  if (status === 404) return 'This item does not exist or you do not have access to it.';
  return 'The request could not be completed.';
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}, headers = {}) => request('POST', path, body, headers);

/**
 * Sends a message (a new thread or a reply) so that trying again after a failure never sends it
 * twice: each distinct message gets an Idempotency-Key, and sending the same content again reuses
 * it, so a send that was saved although its answer was lost is answered from the first time.
 */
export function messageSender() {
  let last = null;
  return async (path, body) => {
    const content = JSON.stringify(body);
    if (!last || last.path !== path || last.content !== content) last = { path, content, key: newKey() };
    const answer = await post(path, body, { 'Idempotency-Key': last.key });
    last = null;
    return answer;
  };
}

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
export const put = (path, body = {}) => request('PUT', path, body);
export const patch = (path, body = {}) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
