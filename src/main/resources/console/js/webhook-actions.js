// Actions on one webhook used from both the list and its own page.
import { api, segment } from './api.js';
import { h, isolated } from './dom.js';
import { announce, announcerForThisPage, attempt, once } from './status.js';

export async function setActive(webhook, active, then, button) {
  const changed = await once(button, () => attempt(() => api.patch(`/v1/webhooks/${segment(webhook.id)}`, { active })));
  if (!changed) return;
  announce([isolated(changed.url), ` is now ${changed.active ? 'active' : 'inactive'}.`]);
  await then(changed);
}

// Test events under way, by webhook id. A receiver that does not answer takes up to three delivery
// timeouts; the buttons of a page opened meanwhile (the list, the webhook's page again) must know, or
// a second click there sent a second test event.
const testsUnderWay = new Map();

/** A "Send test" button for the webhook: disabled while a test event to it is under way, from whichever page it was sent. */
export function testButton(webhook, label, className) {
  const button = h('button', { type: 'button', class: className, onclick: () => sendTest(webhook, button) }, label);
  const underWay = testsUnderWay.get(webhook.id);
  if (underWay) {
    button.disabled = true;
    underWay.finally(() => {
      button.disabled = false;
    });
  }
  return button;
}

/**
 * POST /test sends a webhook.test event right away (up to 3 attempts) and says how it went, on the page
 * it was sent from.
 */
async function sendTest(webhook, button) {
  if (testsUnderWay.has(webhook.id)) return;
  const say = announcerForThisPage();
  say(['Sending a test event to ', isolated(webhook.url), '…']);
  button.disabled = true;
  const sending = attempt(() => api.post(`/v1/webhooks/${segment(webhook.id)}/test`));
  const settled = sending.finally(() => {
    testsUnderWay.delete(webhook.id);
    button.disabled = false;
  });
  testsUnderWay.set(webhook.id, settled);
  const result = await sending;
  if (!result) return;
  const answer = result.status_code ? `status ${result.status_code}` : (result.error ?? 'no answer');
  const tries = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  say(result.success ? `Test event delivered (${answer}, ${tries}).` : `Test event failed: ${answer}${result.error && result.status_code ? ` — ${result.error}` : ''} (${tries}).`,
    result.success ? 'info' : 'error');
}
