// Webhooks: create one (with its rate limit and delivery order), list them page by page, switch them on and off, send a test event.
import { api, path, segment } from '../api.js';
import { h, field, isolated, replace, table } from '../dom.js';
import { submitForm } from '../field-errors.js';
import { filterFields, describeFilters } from '../filters.js';
import { createPager } from '../pager.js';
import { rateLimitField, describeRateLimit } from '../rate-limit.js';
import { orderingField, describeOrdering } from '../ordering.js';
import { announce } from '../status.js';
import { setActive, testButton } from '../webhook-actions.js';

const PAGE = 20;

export function webhooks(view) {
  const url = h('input', { id: 'wh-url', type: 'url', required: true, spellcheck: 'false', placeholder: 'https://hooks.example.com/orders',
    'data-field': 'url' });
  const description = h('input', { id: 'wh-description', maxlength: '1024', 'data-field': 'description' });
  const filters = filterFields('wh');
  const rateLimit = rateLimitField('wh');
  const ordering = orderingField('wh');
  const secret = h('div', { class: 'secret', hidden: true });
  const form = h('form', { id: 'create-webhook', class: 'form' },
    field('URL', url, 'http or https; the server must be allowed to reach it (egress guard).'),
    field('Description', description),
    filters.element,
    rateLimit.element,
    ordering.element,
    h('button', { type: 'submit' }, 'Create webhook'));
  const list = h('div', { id: 'webhook-list' });
  const pager = createPager('Webhook pages', list,
    (cursor) => api.get(path('/v1/webhooks', { limit: PAGE, cursor })), show);

  replace(view,
    h('h1', { tabindex: '-1' }, 'Webhooks'),
    h('details', { class: 'panel' }, h('summary', {}, 'Create a webhook'), form),
    secret,
    list,
    pager.element);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { url: url.value.trim(), filters: filters.read(), ordering: ordering.read() };
    if (description.value.trim()) body.description = description.value.trim();
    const rate = rateLimit.read();
    if (rate !== null) body.rate_limit = rate;
    // The secret of a webhook created before goes: beside a refusal it read as this one's.
    secret.hidden = true;
    replace(secret);
    const created = await submitForm(form, () => api.post('/v1/webhooks', body));
    if (!created) return;
    form.reset();
    secret.hidden = false;
    replace(secret,
      h('p', {}, `Webhook ${created.id} created. Its signing secret (also shown on the webhook's page):`),
      h('code', { id: 'new-secret' }, created.secret));
    announce(['Webhook created: ', isolated(created.url)]);
    pager.first();
  });

  function show(page) {
    replace(list, page.webhooks.length === 0 ? h('p', {}, 'No webhooks yet.')
      : table('Webhooks, newest first', ['URL', 'Description', 'Filters', 'Rate limit', 'Order', 'State', 'Actions'], page.webhooks.map(row)));
  }

  function row(w) {
    return h('tr', { 'data-webhook': w.id },
      h('td', { class: 'long' }, h('a', { href: `#/webhooks/${segment(w.id)}` }, w.url)),
      h('td', { class: 'long' }, w.description ?? ''),
      h('td', { class: 'long' }, describeFilters(w.filters)),
      h('td', {}, describeRateLimit(w.rate_limit)),
      h('td', {}, describeOrdering(w.ordering)),
      h('td', { class: 'long' }, w.active ? 'active' : `inactive: ${w.disabled_reason ?? ''}`),
      h('td', {}, h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'quiet', onclick: (event) => setActive(w, !w.active, pager.reload, event.currentTarget) },
          w.active ? 'Deactivate' : 'Activate'),
        testButton(w, 'Send test', 'quiet'))));
  }

  pager.first();
}
