// Event types: every type the tenant has sent, its count over the last 24 hours and when it was last
// seen; a type opens the events search for that type prefix.
import { api, segment } from '../api.js';
import { h, replace, table } from '../dom.js';
import { timestamp } from '../format.js';
import { attempt } from '../status.js';

export function eventTypes(view) {
  const refresh = h('button', { type: 'button', id: 'refresh-event-types', class: 'quiet', onclick: () => load() }, 'Refresh');
  const list = h('div', { id: 'event-type-list' });
  replace(view,
    h('p', {}, h('a', { href: '#/events' }, '← Events')),
    h('h1', { tabindex: '-1' }, 'Event types'),
    h('p', { class: 'hint' }, 'Each type this tenant has sent (up to 1000), with its events received in the last 24 hours. '
      + 'A type opens its events.'),
    h('div', { class: 'toolbar' }, refresh),
    list);

  async function load() {
    list.setAttribute('aria-busy', 'true');
    const result = await attempt(() => api.get('/v1/event-types'));
    list.setAttribute('aria-busy', 'false');
    if (!result) return;
    replace(list, result.event_types.length === 0 ? h('p', {}, 'No events yet.')
      : table('Event types', ['Event type', 'Events in the last 24 h', 'Last seen'], result.event_types.map((t) => h('tr', { 'data-event-type': t.event_type },
        h('td', {}, h('a', { href: `#/events/${segment(t.event_type)}` }, t.event_type)),
        h('td', { class: 'count' }, t.count_24h.toLocaleString('en')),
        h('td', {}, timestamp(t.last_seen_at))))));
  }

  load();
}
