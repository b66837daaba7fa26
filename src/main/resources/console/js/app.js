// Entry point: sign-in and sign-out, and which page shows in the view.
import { onUnauthorized, request, ApiError } from './api.js';
import { session } from './session.js';
import { startRouter } from './router.js';
import { announce, describe } from './status.js';
import { overview } from './views/overview.js';
import { webhooks } from './views/webhooks.js';
import { webhook } from './views/webhook.js';
import { events } from './views/events.js';
import { eventTypes } from './views/event-types.js';
import { rejected } from './views/rejected.js';

const pages = {
  overview: () => overview,
  webhooks: (args) => (args[0] ? webhook : webhooks),
  events: () => events,
  'event-types': () => eventTypes,
  rejected: () => rejected,
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

function mount(name, args) {
  stopPage();
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
  view.replaceChildren();
  view.hidden = true;
  nav.hidden = true;
  signOutButton.hidden = true;
  signInSection.hidden = false;
  keyInput.focus();
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  try {
    // Any tenant read proves the key; the metric catalog is small.
    await request('GET', '/v1/metrics', undefined, key);
  } catch (error) {
    const message = error instanceof ApiError && error.status === 401 ? 'That key is not valid.'
      : error instanceof ApiError && error.status === 403 ? 'That is the admin key: the console needs a tenant key.'
        : describe(error);
    announce(message, 'error');
    keyInput.focus();
    return;
  }
  session.signIn(key);
  announce('Signed in.');
  showConsole();
});

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
