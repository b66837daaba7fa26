// The one live region: outcomes of actions and errors are announced there (aria-live="polite").
import { ApiError } from './api.js';
import { replace } from './dom.js';

/** message: text, or a list of text and elements (a value from the API in isolated()). */
export function announce(message, kind = 'info') {
  const region = document.getElementById('status');
  region.dataset.kind = kind;
  replace(region, message);
}

/** Empties the region: what it said was about a page no longer shown, or a failure now over. */
export function clearStatus() {
  announce('');
}

export function describe(error) {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  return `Something went wrong: ${error.message}`;
}

/** Announces a failure, unless the console signed out over it and already said why. */
export function report(error) {
  if (!error.signedOut) announce(describe(error), 'error');
}

/** Runs an action; a failure is announced instead of thrown. Returns the action's result, or undefined. */
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    report(error);
    return undefined;
  }
}
