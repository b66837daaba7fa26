// Rejected events: what was refused, why, and the body as the server keeps it (truncated to 16 KiB); Refresh
// shows those refused since the page opened, as the other lists do.
import { api, path } from '../api.js';
import { h, replace, table } from '../dom.js';
import { timestamp } from '../format.js';
import { createPager } from '../pager.js';

const PAGE = 50;

export function rejected(view) {
  const list = h('div', { id: 'rejected-list' });
  const pager = createPager('Rejected event pages', list,
    (cursor) => api.get(path('/v1/rejected-events', { limit: PAGE, cursor })), show);
  const refresh = h('button', { type: 'button', id: 'refresh-rejected', class: 'quiet', onclick: () => pager.reload() }, 'Refresh');
  replace(view, h('h1', { tabindex: '-1' }, 'Rejected events'), h('div', { class: 'toolbar' }, refresh), list, pager.element);

  function show(page) {
    replace(list, page.rejected.length === 0 ? h('p', {}, 'No rejected events.')
      : table('Rejected events, newest first', ['Received', 'Error', 'Field', 'Message', 'Body'], page.rejected.map((r) => h('tr', {},
        h('td', {}, timestamp(r.received_at)),
        h('td', {}, r.error.code),
        h('td', {}, r.error.field ?? ''),
        h('td', { class: 'long' }, r.error.message),
        h('td', { class: 'long' }, h('details', {}, h('summary', {}, 'Body'), h('pre', { class: 'json' }, r.body)))))));
  }

  pager.first();
}
