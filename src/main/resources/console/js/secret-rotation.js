// Rotating a webhook's signing secret with an overlap: asked for in a form, confirmed in a modal
// dialog, and the new secret shown once with what happens to the previous one.
import { api } from './api.js';
import { h, field, isolated, replace } from './dom.js';
import { clearErrors, refuseField, submitForm } from './field-errors.js';
import { announce } from './status.js';

// The API's rule for the overlap, checked before the confirmation asks about it: a dialog saying the previous
// secret keeps signing "for forever" or "for 90d" would ask to confirm what the API then refuses.
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const LONGEST_MS = 30 * UNIT_MS.d;
const HINT = 'A duration such as 24h, 90m or 0s (switch at once), at most 30d.';
const REFUSED = 'Give a duration from 0s to 30d, such as 24h or 90m (0s switches at once).';

function acceptable(period) {
  const parts = DURATION.exec(period);
  return parts !== null && Number(parts[1]) * UNIT_MS[parts[2]] <= LONGEST_MS;
}

/** base is the webhook's API path; onRotated() runs after a rotation (a secret shown before is stale). */
export function secretRotation(w, base, onRotated) {
  const overlap = h('input', { id: 'rotate-overlap', value: '24h', required: true, spellcheck: 'false', autocomplete: 'off',
    'data-field': 'previous_valid_for' });
  const form = h('form', { id: 'rotate-secret', class: 'form inline' },
    field('Previous secret keeps signing for', overlap, HINT),
    h('button', { type: 'submit' }, 'Rotate secret'));
  const question = h('p', { id: 'rotate-question' });
  const confirm = h('button', { type: 'button', id: 'rotate-confirm' }, 'Rotate now');
  const cancel = h('button', { type: 'button', class: 'quiet', id: 'rotate-cancel' }, 'Cancel');
  const dialog = h('dialog', { id: 'rotate-dialog', 'aria-labelledby': 'rotate-dialog-title', 'aria-describedby': 'rotate-question' },
    h('h2', { id: 'rotate-dialog-title' }, 'Rotate the signing secret?'),
    question,
    h('div', { class: 'actions' }, confirm, cancel));
  const result = h('div', { id: 'rotated', class: 'secret', hidden: true });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const period = overlap.value.trim();
    if (!acceptable(period)) {
      refuseField(form, overlap, REFUSED);
      return;
    }
    clearErrors(form);
    if (/^0+(ms|s|m|h|d)$/.test(period)) {
      replace(question, isolated(w.url), ' gets a new signing secret now, and the previous one stops signing at once:',
        ' receivers must hold the new secret already.');
    } else {
      replace(question, isolated(w.url), ' gets a new signing secret now. The previous one keeps signing beside it for ',
        isolated(period), '; receivers must hold the new secret before that ends.');
    }
    dialog.showModal();
    cancel.focus();
  });
  cancel.addEventListener('click', () => {
    dialog.close();
    announce('The secret was not rotated.');
  });
  // Escape closes the dialog without a click: said the same way, or a refusal said before stayed in the live region.
  dialog.addEventListener('cancel', () => announce('The secret was not rotated.'));
  confirm.addEventListener('click', async () => {
    dialog.close();
    const period = overlap.value.trim();
    const rotated = await submitForm(form, () => api.post(`${base}/secret/rotate`, { previous_valid_for: period }));
    if (!rotated) return;
    result.hidden = false;
    replace(result,
      h('p', {}, 'The new signing secret — copy it to your receivers now:'),
      h('code', { id: 'rotated-secret' }, rotated.secret),
      h('p', { class: 'hint' }, /^0+(ms|s|m|h|d)$/.test(period)
        ? 'The previous secret no longer signs: receivers need the new one now.'
        : `The previous secret keeps signing beside the new one until the overlap of ${period} ends, so receivers can switch meanwhile.`));
    announce('Signing secret rotated.');
    onRotated();
  });

  return h('div', {},
    h('details', { class: 'panel' }, h('summary', {}, 'Rotate the signing secret'), form),
    dialog,
    result);
}
