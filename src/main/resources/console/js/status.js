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

// Counts the pages shown: the outcome of an action is about the page it was started on.
let page = 0;

/** Another page is showing: actions still running on the one before stay quiet when they end. */
export function pageChanged() {
  page++;
}

/**
 * announce, for an action that may end after its page is gone: a test event to a receiver that does not
 * answer ends after the delivery timeout, and its failure was shown on whatever page was open by then.
 */
export function announcerForThisPage() {
  const startedOn = page;
  return (message, kind) => {
    if (page === startedOn) announce(message, kind);
  };
}

export function describe(error) {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  return `Something went wrong: ${error.message}`;
}

/** Announces a failure (with say, announce by default), unless the console signed out over it and already said why. */
export function report(error, say = announce) {
  if (!error.signedOut) say(describe(error), 'error');
}

/**
 * Runs action unless the one started from the same button is still under way: a double click on Retry
 * sent two requests and announced the second's refusal ("no longer dead") over the first's success. The
 * button is marked aria-disabled meanwhile, not disabled, so a keyboard user's focus stays on it.
 */
export async function once(button, action) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  try {
    return await action();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** Runs an action; a failure is announced (on the page it was started on) instead of thrown. Returns the action's result, or undefined. */
export async function attempt(action) {
  const say = announcerForThisPage();
  try {
    return await action();
  } catch (error) {
    report(error, say);
    return undefined;
  }
}
