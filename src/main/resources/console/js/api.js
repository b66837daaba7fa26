// Calls the /v1 API with the signed-in key, the way any client does; errors carry the API's error body.
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let unauthorized = () => {};

/** Called when the API answers 401 (the key was deleted while signed in). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** signInKey: the key being tried at sign-in; every other request uses the signed-in key. */
export async function request(method, path, body, signInKey) {
  return (await exchange(method, path, body, signInKey)).json;
}

/** As request, answering { json, text }: the text for what must be shown exactly as the API sent it. */
async function exchange(method, path, body, signInKey) {
  const key = signInKey ?? session.key();
  const headers = { Authorization: `Bearer ${key}` };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.', null);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json?.error ?? {};
    const failure = new ApiError(response.status, error.code ?? `http_${response.status}`,
      error.message ?? `The server answered ${response.status}.`, error.field ?? null);
    if (response.status === 401 && signInKey === undefined) {
      // The signed-in key is gone: the console signs out and says so; callers must not announce over it.
      failure.signedOut = true;
      unauthorized(failure);
    }
    throw failure;
  }
  return { json, text };
}

/** A path with its query string; empty parameters are left out. */
export function path(base, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * One path segment. "." and ".." are refused: encodeURIComponent leaves them as they are, and the
 * browser would resolve them, so an id from the address (#/webhooks/%2e%2e) would change the API path.
 */
export function segment(value) {
  const text = String(value);
  if (text === '' || text === '.' || text === '..') throw new ApiError(404, 'not_found', 'Not found.', null);
  return encodeURIComponent(text);
}

/**
 * An event id as a path segment. The API takes "." and ".." as event ids, but no browser can ask for
 * them: it resolves them in a path even percent-encoded (%2E%2E). Said as such, not as "Not found."
 */
export function eventSegment(eventId) {
  const text = String(eventId);
  if (text === '.' || text === '..') {
    throw new ApiError(0, 'browser_path', `A browser cannot ask the API about the event id "${text}": it resolves "." and ".." in a path, `
      + `even percent-encoded. Use another HTTP client with the id written ${text === '.' ? '%2E' : '%2E%2E'} in the path.`, null);
  }
  return segment(text);
}

export const api = {
  get: (p) => request('GET', p),
  getWithText: (p) => exchange('GET', p),
  post: (p, body) => request('POST', p, body),
  patch: (p, body) => request('PATCH', p, body),
};
