// The one live region: outcomes of actions and errors are announced there (aria-live="polite").
import { ApiError } from './api.js';

export function announce(message, kind = 'info') {
  const region = document.getElementById('status');
  region.dataset.kind = kind;
  region.textContent = message;
}

export function describe(error) {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  return `Something went wrong: ${error.message}`;
}

/** Runs an action; a failure is announced instead of thrown. Returns the action's result, or undefined. */
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    announce(describe(error), 'error');
    return undefined;
  }
}
