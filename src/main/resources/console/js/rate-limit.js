// A webhook's rate limit (deliveries per second; empty = none), shared by create and edit. The API
// judges the value: anything that is not a plain number is sent as typed, so its 422 names the problem.
import { h, field } from './dom.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export function rateLimitField(prefix, rate = null) {
  const input = h('input', { id: `${prefix}-rate-limit`, inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off',
    'data-field': 'rate_limit', value: rate ?? '' });
  const element = field('Rate limit (deliveries/s, empty = none)', input,
    'From 0.001 (one per 1,000 s) to 10000. Paces first attempts and retries alike; other webhooks are not held back.');

  /** null when empty (no limit), a number, or the text as typed for the API to refuse. */
  function read() {
    const text = input.value.trim();
    if (text === '') return null;
    return NUMBER.test(text) ? Number(text) : text;
  }

  return { element, read };
}

export function describeRateLimit(rate) {
  // As the API holds it: 0.0015 rounded to three places read 0.002/s.
  return rate === null || rate === undefined ? 'none' : `${Number(rate).toLocaleString('en', { maximumFractionDigits: 20 })}/s`;
}
