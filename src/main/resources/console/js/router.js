// Hash routing: #/name/arg -> mount(name, args). Other hashes (the skip link's #main) keep the page
// that is showing, or show the overview when nothing is showing yet.
export function startRouter(routes, mount) {
  let mounted = false;
  const go = () => {
    if (location.hash.startsWith('#/')) {
      const [name, ...args] = location.hash.slice(2).split('/').map(decodeURIComponent);
      mount(routes[name] ? name : 'overview', args);
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
