// The filter fields of a webhook (event types, entity ids, minimum amount), shared by create and edit.
import { h, field } from './dom.js';
import { listText } from './format.js';

export function filterFields(prefix, filters = {}) {
  const types = h('input', { id: `${prefix}-event-types`, 'data-field': 'filters.event_types', value: (filters.event_types ?? []).join(', '), spellcheck: 'false' });
  // One id per line: an entity id may contain a comma, but never a line break.
  const entities = h('textarea', { id: `${prefix}-entity-ids`, 'data-field': 'filters.entity_ids', rows: 2, spellcheck: 'false' },
    (filters.entity_ids ?? []).join('\n'));
  const amount = h('input', { id: `${prefix}-min-amount`, 'data-field': 'filters.min_amount', type: 'number', step: 'any', min: '0', value: filters.min_amount ?? '' });
  const element = h('fieldset', { class: 'filters' },
    h('legend', {}, 'Filters (all given must match; none matches every event)'),
    field('Event types', types, 'Comma-separated dotted prefixes: "order" matches order.created.'),
    field('Entity ids', entities, 'One per line; matches entity_id or data.order_id, user_id, product_id, session_id.'),
    field('Minimum amount', amount, 'data.total_amount (else data.amount) must be at least this.'));

  function read() {
    const result = {};
    const typeList = listText(types.value);
    const entityList = entities.value.split('\n').map((id) => id.trim()).filter((id) => id !== '');
    if (typeList.length) result.event_types = typeList;
    if (entityList.length) result.entity_ids = entityList;
    if (amount.value.trim() !== '') result.min_amount = Number(amount.value);
    return result;
  }

  return { element, read };
}

export function describeFilters(filters = {}) {
  const parts = [];
  if (filters.event_types?.length) parts.push(`types ${filters.event_types.join(', ')}`);
  // Each id quoted: an id may hold a comma, so "acct,7, order-9" could be two ids or three.
  if (filters.entity_ids?.length) parts.push(`entities ${filters.entity_ids.map((id) => JSON.stringify(id)).join(', ')}`);
  if (filters.min_amount !== undefined && filters.min_amount !== null) parts.push(`amount ≥ ${filters.min_amount}`);
  return parts.length ? parts.join(' · ') : 'every event';
}
