// Hash routing: #/name/arg -> routes[name](args). Other hashes (the skip link's #main) are left alone.
export function startRouter(routes, mount) {
  const go = () => {
    if (!location.hash.startsWith('#/')) {
      if (location.hash === '') location.replace('#/overview');
      return;
    }
    const [name, ...args] = location.hash.slice(2).split('/').map(decodeURIComponent);
    mount(routes[name] ? name : 'overview', args);
  };
  window.addEventListener('hashchange', go);
  go();
  return () => window.removeEventListener('hashchange', go);
}
