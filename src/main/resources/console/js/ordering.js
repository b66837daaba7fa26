// A webhook's delivery order, shared by create and edit: "none" sends each delivery as soon as it can,
// "entity" sends one entity's deliveries one at a time, in the order their events were accepted.
import { h, field } from './dom.js';

const CHOICES = [
  ['none', 'As soon as possible'],
  ['entity', 'One at a time per entity, in order'],
];

export function orderingField(prefix, ordering = 'none') {
  const select = h('select', { id: `${prefix}-ordering`, 'data-field': 'ordering' },
    CHOICES.map(([value, label]) => h('option', { value, selected: value === ordering }, label)));
  const element = field('Delivery order', select,
    'Per entity: the events of one entity_id reach this webhook one at a time, a failing one holding back the ones after it.');
  return { element, read: () => select.value };
}

export function describeOrdering(ordering) {
  return ordering === 'entity' ? 'one at a time per entity' : 'as soon as possible';
}
