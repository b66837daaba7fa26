// Entry point: sign-in and sign-out, and which page shows in the view.
import { onUnauthorized, request, ApiError } from './api.js';
import { session } from './session.js';
import { startRouter } from './router.js';
import { announce, clearStatus, describe, pageChanged } from './status.js';
import { overview } from './views/overview.js';
import { webhooks } from './views/webhooks.js';
import { webhook } from './views/webhook.js';
import { events } from './views/events.js';
import { eventTypes } from './views/event-types.js';
import { rejected } from './views/rejected.js';
import { notFound } from './views/not-found.js';

// A webhook id as the API makes them (wh_ and letters or digits); anything else from the address is not
// requested, so it can never change the API path it is put into.
const WEBHOOK_ID = /^wh_[A-Za-z0-9]{1,64}$/;

// Whether an address names a section and nothing after it (a trailing slash allowed): #/rejected/extra is
// not the rejected events page, as #/webhooks/<id>/extra is not the webhook's.
const bare = (args) => args.length === 0 || (args.length === 1 && args[0] === '');
const only = (page) => (args) => (bare(args) ? page : notFound);

const pages = {
  overview: only(overview),
  webhooks: (args) => (bare(args) ? webhooks : args.length === 1 && WEBHOOK_ID.test(args[0]) ? webhook : notFound),
  events: (args) => (args.length <= 1 ? events : notFound), // #/events/<type>: the search for a type
  'event-types': only(eventTypes),
  rejected: only(rejected),
  'not-found': () => notFound,
};
// Pages reached from a section's page keep that section current in the navigation.
const sectionOf = { 'event-types': 'events' };

const signInSection = document.getElementById('sign-in');
const signInForm = document.getElementById('sign-in-form');
const keyInput = document.getElementById('api-key');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
const view = document.getElementById('view');

let stopPage = () => {};
let stopRouter = () => {};
// Whether a page is showing: a status message is about the page it was said on, so moving to another
// page clears it (but not "Signed in.", said before the first page).
let showing = false;

function mount(name, args) {
  stopPage();
  pageChanged();
  if (showing) clearStatus();
  showing = true;
  view.replaceChildren();
  stopPage = pages[name](args)(view, args) ?? (() => {});
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${sectionOf[name] ?? name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  view.querySelector('h1')?.focus();
}

function showConsole() {
  signInSection.hidden = true;
  keyInput.value = '';
  nav.hidden = false;
  signOutButton.hidden = false;
  view.hidden = false;
  stopRouter = startRouter(pages, mount);
}

function showSignIn() {
  stopRouter();
  stopPage();
  stopPage = () => {};
  showing = false;
  view.replaceChildren();
  view.hidden = true;
  nav.hidden = true;
  signOutButton.hidden = true;
  signInSection.hidden = false;
  keyInput.focus();
}

const NOT_A_KEY = 'That key is not valid.';

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  const refusal = await checkKey(key);
  if (refusal) {
    announce(refusal, 'error');
    keyInput.focus();
    return;
  }
  session.signIn(key);
  announce('Signed in.');
  showConsole();
});

/** Why the key cannot sign in, or null when it can. */
async function checkKey(key) {
  // Keys are printable ASCII. Anything else is not one, and fetch would refuse it in a header with a
  // TypeError that read as "The server could not be reached."
  if (!/^[\x21-\x7e]+$/.test(key)) return NOT_A_KEY;
  try {
    // Any tenant read proves the key; the metric catalog is small.
    await request('GET', '/v1/metrics', undefined, key);
    return null;
  } catch (error) {
    return error instanceof ApiError && error.status === 401 ? NOT_A_KEY
      : error instanceof ApiError && error.status === 403 ? 'That is the admin key: the console needs a tenant key.'
        : describe(error);
  }
}

signOutButton.addEventListener('click', () => {
  session.signOut();
  showSignIn();
  history.replaceState(null, '', location.pathname);
  announce('Signed out.');
});

onUnauthorized(() => {
  if (!session.key()) return;
  session.signOut();
  showSignIn();
  announce('The key is no longer valid; sign in again.', 'error');
});

if (session.key()) showConsole();
else showSignIn();
