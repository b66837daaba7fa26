// Actions on one webhook used from both the list and its own page.
import { api, segment } from './api.js';
import { isolated } from './dom.js';
import { announce, announcerForThisPage, attempt } from './status.js';

export async function setActive(webhook, active, then) {
  const changed = await attempt(() => api.patch(`/v1/webhooks/${segment(webhook.id)}`, { active }));
  if (!changed) return;
  announce([isolated(changed.url), ` is now ${changed.active ? 'active' : 'inactive'}.`]);
  await then(changed);
}

/**
 * POST /test sends a webhook.test event right away (up to 3 attempts) and says how it went, on the page
 * it was sent from. The button is disabled until then: a receiver that does not answer takes up to
 * three delivery timeouts, and each click meanwhile sent one more test event.
 */
export async function sendTest(webhook, button) {
  const say = announcerForThisPage();
  say(['Sending a test event to ', isolated(webhook.url), '…']);
  if (button) button.disabled = true;
  let result;
  try {
    result = await attempt(() => api.post(`/v1/webhooks/${segment(webhook.id)}/test`));
  } finally {
    if (button) button.disabled = false;
  }
  if (!result) return;
  const answer = result.status_code ? `status ${result.status_code}` : (result.error ?? 'no answer');
  const tries = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  say(result.success ? `Test event delivered (${answer}, ${tries}).` : `Test event failed: ${answer}${result.error && result.status_code ? ` — ${result.error}` : ''} (${tries}).`,
    result.success ? 'info' : 'error');
}
