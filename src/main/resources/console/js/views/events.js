// Events: search by type prefix and entity, newest first, each with its raw JSON. #/events/<type> opens
// the search for that type prefix (the event types page links there).
import { api, path } from '../api.js';
import { h, field, replace, table } from '../dom.js';
import { timestamp } from '../format.js';
import { createPager } from '../pager.js';
import { arrayElements, pretty } from '../raw-json.js';

const PAGE = 50;

export function events(view, [prefix] = []) {
  const type = h('input', { id: 'event-type', spellcheck: 'false', placeholder: 'order', value: prefix ?? '' });
  const entity = h('input', { id: 'entity-id', spellcheck: 'false' });
  const form = h('form', { id: 'event-search', class: 'form inline', role: 'search' },
    field('Event type (prefix)', type, '"order" finds order and order.*'), field('Entity id', entity),
    h('button', { type: 'submit' }, 'Search'));
  const list = h('div', { id: 'event-list' });
  const pager = createPager('Event pages', list,
    async (cursor) => {
      const { json, text } = await api.getWithText(path('/v1/events', { event_type: type.value.trim(), entity_id: entity.value.trim(), limit: PAGE, cursor }));
      // Each event's raw JSON from the response text: a parsed number printed again is not what the API holds.
      return { ...json, rawEvents: arrayElements(text, 'events') };
    }, show);
  replace(view, h('h1', { tabindex: '-1' }, 'Events'),
    h('p', {}, h('a', { href: '#/event-types' }, 'Event types'), ': every type sent, with its count over the last 24 hours.'),
    form, list, pager.element);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pager.first();
  });

  function show(page) {
    replace(list, page.events.length === 0 ? h('p', {}, 'No events match.')
      : table('Events, newest first', ['Event', 'Type', 'Entity', 'Occurred', 'Received', 'JSON'],
        page.events.flatMap((e, i) => rows(e, page.rawEvents[i] ?? JSON.stringify(e)))));
  }

  function rows(e, rawText) {
    const rawId = `raw-${e.event_id}`;
    const raw = h('tr', { id: rawId, class: 'detail', hidden: true },
      h('td', { colspan: '6' }, h('pre', { class: 'json' }, pretty(rawText))));
    const toggle = h('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false', 'aria-controls': rawId, onclick: () => {
      raw.hidden = !raw.hidden;
      toggle.setAttribute('aria-expanded', String(!raw.hidden));
    } }, 'Raw JSON');
    return [h('tr', { 'data-event': e.event_id },
      h('td', { class: 'long' }, e.event_id), h('td', {}, e.event_type), h('td', { class: 'long' }, e.entity_id ?? ''),
      h('td', {}, timestamp(e.occurred_at)), h('td', {}, timestamp(e.received_at)), h('td', {}, toggle)), raw];
  }

  pager.first();
}
