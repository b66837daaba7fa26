// A webhook's deliveries by status, each with its attempt log; retry a dead one, recover dead ones since a
// time, replay past events that have no delivery to it (a webhook created late, or whose filters widened).
import { api, eventSegment, path, segment } from '../api.js';
import { h, field, isolated, replace, table } from '../dom.js';
import { timestamp } from '../format.js';
import { createPager } from '../pager.js';
import { announce, attempt, once } from '../status.js';

const PAGE = 25;
const STATUSES = [['', 'all'], ['pending', 'pending'], ['delivered', 'delivered'], ['dead', 'dead']];

export function deliveries(section, webhookId) {
  const base = `/v1/webhooks/${segment(webhookId)}`;
  const status = h('select', { id: 'delivery-status' }, STATUSES.map(([value, label]) => h('option', { value }, label)));
  const refresh = h('button', { type: 'button', id: 'refresh-deliveries', class: 'quiet' }, 'Refresh');
  const list = h('div', { id: 'delivery-list' });
  // A receiver's logs hold the webhook-id header, not the event id: this finds the delivery by it.
  const messageId = h('input', { id: 'delivery-message-id', type: 'search', maxlength: '64', spellcheck: 'false', autocomplete: 'off',
    placeholder: 'msg_…' });
  const find = h('form', { id: 'delivery-find', class: 'form inline', role: 'search' },
    field('Webhook-id a receiver got (empty: every delivery)', messageId),
    h('button', { type: 'submit' }, 'Find'));
  const pager = createPager('Delivery pages', list,
    (cursor) => api.get(path(`${base}/deliveries`, { status: status.value, message_id: messageId.value.trim(), limit: PAGE, cursor })), show);
  const since = h('input', { id: 'recover-since', type: 'datetime-local', step: '1', required: true, value: localInput(Date.now() - 86_400_000) });
  const recover = h('form', { id: 'recover', class: 'form inline' },
    field('Recover dead deliveries updated since (your local time)', since),
    h('button', { type: 'submit' }, 'Recover'));
  const replaySince = h('input', { id: 'replay-since', type: 'datetime-local', step: '1', required: true, value: localInput(Date.now() - 86_400_000) });
  const replay = h('form', { id: 'replay', class: 'form inline' },
    field('Replay events received since (your local time) that match the filters and have no delivery yet', replaySince),
    h('button', { type: 'submit' }, 'Replay'));

  replace(section,
    h('h2', { id: 'deliveries-title' }, 'Deliveries'),
    h('div', { class: 'toolbar' }, field('Status', status), refresh),
    find,
    list,
    pager.element,
    recover,
    replay);

  status.addEventListener('change', () => pager.first());
  find.addEventListener('submit', (event) => {
    event.preventDefault();
    pager.first();
  });
  refresh.addEventListener('click', () => pager.reload());
  recover.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await once(event.submitter ?? recover.querySelector('button'),
      () => attempt(() => api.post(`${base}/recover`, { since: new Date(since.value).toISOString() })));
    if (!result) return;
    announce(`${result.requeued} dead deliver${result.requeued === 1 ? 'y' : 'ies'} queued again.`);
    pager.reload();
  });

  replay.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await once(event.submitter ?? replay.querySelector('button'),
      () => attempt(() => api.post(`${base}/replay`, { since: new Date(replaySince.value).toISOString() })));
    if (!result) return;
    announce(`${result.queued} event${result.queued === 1 ? '' : 's'} queued for this webhook.`);
    pager.reload();
  });

  function show(page) {
    const none = messageId.value.trim() ? ['No delivery of this webhook with the webhook-id ', isolated(messageId.value.trim()),
      status.value ? ` and the status ${status.value}.` : '.'] : 'No deliveries with this status.';
    replace(list, page.deliveries.length === 0 ? h('p', {}, none)
      : table('Deliveries, newest first',
        ['Event', 'Type', 'Status', 'Attempts', 'Last status', 'Last error', 'Next attempt', 'Updated', 'Actions'],
        page.deliveries.flatMap(rows)));
  }

  function rows(d) {
    const detailId = `attempts-${d.event_id}`;
    const detail = h('tr', { id: detailId, class: 'detail', hidden: true }, h('td', { colspan: '9' }));
    const toggle = h('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false', 'aria-controls': detailId,
      onclick: () => toggleAttempts(d, toggle, detail) }, 'Attempts');
    const row = h('tr', { 'data-delivery': d.event_id, 'data-status': d.status },
      h('td', { class: 'long' }, d.event_id),
      h('td', {}, d.event_type),
      h('td', {}, d.status),
      h('td', {}, d.attempts),
      h('td', {}, d.last_status_code ?? '—'),
      h('td', { class: 'long' }, d.last_error ?? ''),
      h('td', {}, timestamp(d.next_attempt_at)),
      h('td', {}, timestamp(d.updated_at)),
      h('td', {}, h('div', { class: 'actions' }, toggle,
        d.status === 'dead' ? h('button', { type: 'button', onclick: (event) => retry(d, event.currentTarget) }, 'Retry') : null)));
    return [row, detail];
  }

  async function toggleAttempts(d, toggle, detail) {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      detail.hidden = true;
      return;
    }
    const one = await once(toggle, () => attempt(() => api.get(`${base}/deliveries/${eventSegment(d.event_id)}`)));
    if (!one) return;
    replace(detail.firstChild, table(['Attempts of ', isolated(d.event_id), ', oldest first'],
      ['#', 'Trigger', 'Status code', 'Result', 'Error', 'Duration', 'Response (first 1 KiB)', 'At'],
      one.attempt_log.map((a) => h('tr', { 'data-attempt': a.attempt },
        h('td', {}, a.attempt),
        h('td', {}, a.trigger),
        h('td', { class: 'status-code' }, a.status_code ?? '—'),
        h('td', {}, a.success ? 'delivered' : 'failed'),
        h('td', { class: 'long' }, a.error ?? ''),
        h('td', {}, `${a.duration_ms} ms`),
        h('td', { class: 'long' }, a.response_body ? h('pre', { class: 'excerpt' }, a.response_body) : ''),
        h('td', {}, timestamp(a.attempted_at))))));
    detail.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
  }

  async function retry(d, button) {
    const done = await once(button, () => attempt(() => api.post(`${base}/deliveries/${eventSegment(d.event_id)}/retry`)));
    if (!done) return;
    announce(['Delivery of ', isolated(d.event_id), ' queued for a retry.']);
    pager.reload();
  }

  pager.first();
}

/** A datetime-local value (local time, seconds) for the given moment. */
function localInput(millis) {
  const date = new Date(millis - new Date(millis).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}
