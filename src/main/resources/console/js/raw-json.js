// JSON shown as the API sent it. JSON.parse turns every number into a double, so printing a parsed value
// again changes what the API holds: 999999999999999.99 came out as 1000000000000000, a 30-digit integer
// in exponent form, -0.0 as 0. These work on the response text itself and never read a number.

/** The text of each element of the array under a top-level key of an object's text; [] when absent. */
export function arrayElements(text, key) {
  const elements = [];
  let depth = 0;
  let start = -1;
  let inArray = false;
  let lastString = null;
  let afterKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && !inArray) lastString = text.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === ':' && depth === 1 && !inArray) {
      afterKey = lastString === JSON.stringify(key);
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      if (depth === 2 && c === '[' && afterKey) {
        inArray = true;
        start = i + 1;
      }
    } else if (c === '}' || c === ']') {
      if (inArray && depth === 2) {
        if (text.slice(start, i).trim() !== '') elements.push(text.slice(start, i).trim());
        return elements;
      }
      depth--;
    } else if (c === ',' && inArray && depth === 2) {
      elements.push(text.slice(start, i).trim());
      start = i + 1;
    } else if (c === ',' && depth === 1) {
      afterKey = false;
    }
  }
  return elements;
}

/** JSON text indented by two spaces, as JSON.stringify(value, null, 2) lays it out, every token kept as written. */
export function pretty(text) {
  let out = '';
  let indent = 0;
  const newline = () => `\n${'  '.repeat(indent)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '{' || c === '[') {
      const close = nextToken(text, i + 1);
      if (text[close] === (c === '{' ? '}' : ']')) {
        out += c + text[close];
        i = close;
      } else {
        indent++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      indent--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** The index of the quote that ends the string starting at start (a quote), escapes skipped. */
function stringEnd(text, start) {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function nextToken(text, from) {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}
