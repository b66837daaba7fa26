// One webhook: its settings, filters, rate limit and delivery order, on/off, test event, signing secret and its rotation,
// and its deliveries.
import { api, segment } from '../api.js';
import { h, field, isolated, replace } from '../dom.js';
import { timestamp } from '../format.js';
import { submitForm } from '../field-errors.js';
import { filterFields, describeFilters } from '../filters.js';
import { orderingField, describeOrdering } from '../ordering.js';
import { rateLimitField, describeRateLimit } from '../rate-limit.js';
import { secretRotation } from '../secret-rotation.js';
import { announce, attempt } from '../status.js';
import { setActive, testButton } from '../webhook-actions.js';
import { deliveries } from './deliveries.js';

export function webhook(view, [id]) {
  const base = `/v1/webhooks/${segment(id)}`;
  const heading = h('h1', { tabindex: '-1' }, 'Webhook');
  const summary = h('div');
  const edit = h('div');
  const deliverySection = h('section', { 'aria-labelledby': 'deliveries-title' });
  replace(view, h('p', {}, h('a', { href: '#/webhooks' }, '← All webhooks')), heading, summary, edit, deliverySection);

  function show(w) {
    replace(heading, 'Webhook ', isolated(w.url));
    const secret = h('code', { id: 'webhook-secret', hidden: true });
    replace(summary,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Id'), h('dd', {}, w.id),
        h('dt', {}, 'State'), h('dd', { id: 'webhook-state' }, w.active ? 'active' : `inactive: ${w.disabled_reason ?? ''}`),
        h('dt', {}, 'Description'), h('dd', { id: 'webhook-description' }, w.description ?? 'none'),
        h('dt', {}, 'Filters'), h('dd', { id: 'webhook-filters' }, describeFilters(w.filters)),
        h('dt', {}, 'Delivery order'), h('dd', { id: 'webhook-ordering' }, describeOrdering(w.ordering)),
        h('dt', {}, 'Rate limit'), h('dd', { id: 'webhook-rate-limit' }, describeRateLimit(w.rate_limit)),
        h('dt', {}, 'Created'), h('dd', {}, timestamp(w.created_at)),
        h('dt', {}, 'Updated'), h('dd', {}, timestamp(w.updated_at))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: (event) => setActive(w, !w.active, show, event.currentTarget) }, w.active ? 'Deactivate' : 'Activate'),
        testButton(w, 'Send test event'),
        h('button', { type: 'button', class: 'quiet', onclick: () => revealSecret(secret) }, 'Show signing secret')),
      secret,
      secretRotation(w, base, () => {
        secret.hidden = true;
      }));
    showEditForm(w);
  }

  async function revealSecret(element) {
    const result = await attempt(() => api.get(`${base}/secret`));
    if (!result) return;
    element.textContent = result.secret;
    element.hidden = false;
  }

  function showEditForm(w) {
    const url = h('input', { id: 'edit-url', type: 'url', required: true, value: w.url, spellcheck: 'false', 'data-field': 'url' });
    const description = h('input', { id: 'edit-description', value: w.description ?? '', maxlength: '1024', 'data-field': 'description' });
    const filters = filterFields('edit', w.filters);
    const rateLimit = rateLimitField('edit', w.rate_limit);
    const ordering = orderingField('edit', w.ordering);
    const form = h('form', { id: 'edit-webhook', class: 'form' },
      field('URL', url), field('Description', description), filters.element, rateLimit.element, ordering.element,
      h('button', { type: 'submit' }, 'Save changes'));
    // Only what was changed in the form is sent: a field changed meanwhile elsewhere (over the API, in
    // another tab) keeps its new value instead of being overwritten with what this page loaded.
    const readers = {
      url: () => url.value.trim(), description: () => description.value.trim() || null, filters: filters.read, rate_limit: rateLimit.read,
      ordering: ordering.read,
    };
    const loaded = Object.fromEntries(Object.entries(readers).map(([name, read]) => [name, JSON.stringify(read())]));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const changes = {};
      for (const [name, read] of Object.entries(readers)) {
        const value = read();
        if (JSON.stringify(value) !== loaded[name]) changes[name] = value;
      }
      if (Object.keys(changes).length === 0) {
        announce('Nothing to save: no field was changed.');
        return;
      }
      const saved = await submitForm(form, () => api.patch(base, changes));
      if (!saved) return;
      announce('Webhook saved.');
      show(saved);
    });
    replace(edit, h('details', { class: 'panel' }, h('summary', {}, 'Edit URL, description, filters, rate limit and order'), form));
  }

  attempt(async () => {
    show(await api.get(base));
    deliveries(deliverySection, id);
  });
}
