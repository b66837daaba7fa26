// Rotating a webhook's signing secret with an overlap: asked for in a form, confirmed in a modal
// dialog, and the new secret shown once with what happens to the previous one.
import { api } from './api.js';
import { h, field, isolated, replace } from './dom.js';
import { submitForm } from './field-errors.js';
import { announce } from './status.js';

/** base is the webhook's API path; onRotated() runs after a rotation (a secret shown before is stale). */
export function secretRotation(w, base, onRotated) {
  const overlap = h('input', { id: 'rotate-overlap', value: '24h', required: true, spellcheck: 'false', autocomplete: 'off',
    'data-field': 'previous_valid_for' });
  const form = h('form', { id: 'rotate-secret', class: 'form inline' },
    field('Previous secret keeps signing for', overlap, 'A duration such as 24h, 90m or 0s (switch at once), at most 30d.'),
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
