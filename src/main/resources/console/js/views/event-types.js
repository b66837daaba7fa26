// Event types: every type the tenant has sent, by name, page by page, its count over the last 24 hours and
// when it was last seen; a type opens the events search for that type prefix.
import { api, path, segment } from '../api.js';
import { h, replace, table } from '../dom.js';
import { timestamp } from '../format.js';
import { createPager } from '../pager.js';

const PAGE = 100;

export function eventTypes(view) {
  const list = h('div', { id: 'event-type-list' });
  const pager = createPager('Event type pages', list,
    (cursor) => api.get(path('/v1/event-types', { limit: PAGE, cursor })), show);
  const refresh = h('button', { type: 'button', id: 'refresh-event-types', class: 'quiet', onclick: () => pager.reload() }, 'Refresh');
  replace(view,
    h('p', {}, h('a', { href: '#/events' }, '← Events')),
    h('h1', { tabindex: '-1' }, 'Event types'),
    h('p', { class: 'hint' }, 'Each type this tenant has sent, by name, with its events received in the last 24 hours. '
      + 'A type opens its events.'),
    h('div', { class: 'toolbar' }, refresh),
    list,
    pager.element);

  function show(page) {
    replace(list, page.event_types.length === 0 ? h('p', {}, 'No events yet.')
      : table('Event types, by name', ['Event type', 'Events in the last 24 h', 'Last seen'], page.event_types.map((t) => h('tr', { 'data-event-type': t.event_type },
        h('td', {}, h('a', { href: `#/events/${segment(t.event_type)}` }, t.event_type)),
        h('td', { class: 'count' }, t.count_24h.toLocaleString('en')),
        h('td', {}, timestamp(t.last_seen_at))))));
  }

  pager.first();
}
