// An API error that names a field of a form (the input's data-field) is shown next to that input as
// well as in the live region, the input is marked aria-invalid and gets focus.
import { ApiError } from './api.js';
import { h } from './dom.js';
import { announce, once, report } from './status.js';

/**
 * Like attempt(), for a form's request: returns the action's result, or undefined after showing the error
 * (or when the form's request is already under way: a double click on "Create webhook" created two).
 */
export function submitForm(form, action) {
  return once(form.querySelector('button[type=submit]'), async () => {
    clearErrors(form);
    try {
      return await action();
    } catch (error) {
      const input = error instanceof ApiError && error.field
        ? form.querySelector(`[data-field="${CSS.escape(error.field)}"]`) : null;
      if (input) showError(input, error.message);
      report(error);
      return undefined;
    }
  });
}

/** A value the console refuses itself, before asking the API: shown next to its input as an API error would be. */
export function refuseField(form, input, message) {
  clearErrors(form);
  showError(input, message);
  announce(message, 'error');
}

function showError(input, message) {
  const id = `${input.id}-error`;
  (input.closest('.field') ?? input.parentElement).append(h('p', { id, class: 'field-error' }, message));
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  input.focus();
}

/** Removes the errors shown in a form and their marks on its inputs. */
export function clearErrors(form) {
  for (const message of form.querySelectorAll('.field-error')) message.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const rest = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== `${input.id}-error`);
    if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}
