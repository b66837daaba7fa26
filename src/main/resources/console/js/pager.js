// Cursor paging for the API's listings: "Next page" follows next_cursor, "Previous page" goes back.
// The list is aria-busy while a page loads, and only the latest request is shown.
import { h, replace } from './dom.js';
import { attempt } from './status.js';

/** fetchPage(cursor) returns a page of the API ({…, next_cursor}); render(page) shows it in list. */
export function createPager(label, list, fetchPage, render) {
  const earlier = [];
  let current = null;
  let next = null;
  let latest = 0;
  const previousButton = h('button', { type: 'button', class: 'quiet', onclick: () => back() }, 'Previous page');
  const nextButton = h('button', { type: 'button', class: 'quiet', onclick: () => forward() }, 'Next page');
  const element = h('nav', { class: 'pager', 'aria-label': label }, previousButton, nextButton);

  async function show(cursor) {
    const ticket = ++latest;
    list.setAttribute('aria-busy', 'true');
    const page = await attempt(() => fetchPage(cursor));
    if (ticket !== latest) return;
    list.setAttribute('aria-busy', 'false');
    if (page === undefined) {
      // What the list showed is not the answer to what was asked (a refused search, a webhook deleted
      // meanwhile): beside the error it read as one ("No events match.").
      replace(list);
      return;
    }
    render(page);
    current = cursor;
    next = page.next_cursor;
    const pressed = document.activeElement;
    previousButton.disabled = earlier.length === 0;
    nextButton.disabled = !next;
    // A button disabled under the keyboard's focus drops it to the page's start: it goes to the other one.
    if (pressed === previousButton && previousButton.disabled && !nextButton.disabled) nextButton.focus();
    if (pressed === nextButton && nextButton.disabled && !previousButton.disabled) previousButton.focus();
  }

  function forward() {
    earlier.push(current);
    return show(next);
  }

  function back() {
    return show(earlier.pop() ?? null);
  }

  return {
    element,
    first: () => {
      earlier.length = 0;
      return show(null);
    },
    reload: () => show(current),
  };
}
