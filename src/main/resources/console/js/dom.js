// Building elements without HTML strings: text from the API is always inserted as text, never parsed.
const SVG_NS = 'http://www.w3.org/2000/svg';

// Bidirectional controls (embeddings, overrides, isolates, marks) are invisible and reorder the text
// around them: a URL holding U+202E "evil" U+202C showed as "live". Every text shown is written with them
// escaped (\u202E), so what the API holds is what the reader sees, in its order.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text) {
  return String(text).replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : visibleText(child));
  }
}

/**
 * A value from the API inside a sentence or heading, in a <bdi>: right-to-left text in it cannot move
 * the words around it.
 */
export function isolated(value) {
  return h('bdi', {}, value);
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** h('button', {type: 'button', onclick: fn}, 'Save') */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A labelled form field; the label names the input for screen readers and clicks. */
export function field(label, input, hint) {
  const hintId = hint ? `${input.id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null);
}

/** A table whose wide content scrolls sideways on a phone instead of widening the page. */
export function table(caption, headings, rows) {
  return h('div', { class: 'table-scroll' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headings.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, rows)));
}
