// An address the console has no page for (a mistyped or stale link): said plainly, with a way back.
import { h, replace } from '../dom.js';

export function notFound(view) {
  replace(view,
    h('h1', { tabindex: '-1' }, 'Page not found'),
    h('p', { id: 'not-found' }, 'The console has no page at this address. ', h('a', { href: '#/overview' }, 'Go to the overview'), '.'));
}
