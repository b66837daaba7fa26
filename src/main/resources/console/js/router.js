// Hash routing: #/name/arg -> mount(name, args). Other hashes (the skip link's #main) keep the page
// that is showing, or show the overview when nothing is showing yet.
export function startRouter(routes, mount) {
  let mounted = false;
  const go = () => {
    if (location.hash.startsWith('#/')) {
      mount(...route(routes, location.hash.slice(2)));
      mounted = true;
    } else if (!mounted) {
      mount('overview', []);
      mounted = true;
    }
  };
  window.addEventListener('hashchange', go);
  go();
  return () => window.removeEventListener('hashchange', go);
}

/** [name, args] of a route; an address the console has no page for is 'not-found'. */
function route(routes, text) {
  let parts;
  try {
    parts = text.split('/').map(decodeURIComponent);
  } catch {
    return ['not-found', []]; // malformed percent-encoding (URIError), e.g. #/events/%E0%A4%A
  }
  const [name, ...args] = parts;
  if (name === '') return ['overview', []];
  // Own names only: #/constructor or #/__proto__ must not find what every object inherits.
  return [Object.hasOwn(routes, name) ? name : 'not-found', args];
}
