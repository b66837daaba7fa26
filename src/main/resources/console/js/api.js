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

export async function request(method, path, body, key = session.key()) {
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
    if (response.status === 401) unauthorized(failure);
    throw failure;
  }
  return json;
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

export const segment = encodeURIComponent;

export const api = {
  get: (p) => request('GET', p),
  post: (p, body) => request('POST', p, body),
  patch: (p, body) => request('PATCH', p, body),
};
