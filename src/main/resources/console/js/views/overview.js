// Overview: a tile per metric of the catalog and rate charts, refreshed by polling every few seconds.
import { api, path, segment } from '../api.js';
import { h, field, replace } from '../dom.js';
import { metricValue } from '../format.js';
import { lineChart } from '../chart.js';
import { CounterRate, AttemptRate } from '../rates.js';
import { attempt, clearStatus } from '../status.js';

export const POLL_MILLIS = 5000;
const SAMPLES = 60; // five minutes of polls
const WINDOWS = ['5m', '15m', '1h', '6h', '24h', '7d', '30d'];
const LOG_PAGE = 100;
const CHARTED_WEBHOOKS = 20;

export function overview(view) {
  const windowSelect = h('select', { id: 'metric-window' }, WINDOWS.map((w) => h('option', { value: w, selected: w === '1h' }, w)));
  const tiles = h('ul', { class: 'tiles', 'aria-label': 'Metrics' });
  const charts = h('div', { class: 'charts' });
  const updated = h('p', { id: 'overview-updated', class: 'hint' });
  replace(view,
    h('h1', { tabindex: '-1' }, 'Overview'),
    h('div', { class: 'toolbar' }, field('Metric window', windowSelect), updated),
    tiles,
    h('h2', {}, 'Rates'),
    h('p', { class: 'hint' }, `Per second, from counts read every ${POLL_MILLIS / 1000} s while this page is open. `
      + `Deliveries: attempts in the logs of the first ${CHARTED_WEBHOOKS} webhooks.`),
    charts);

  const ingest = new CounterRate(SAMPLES);
  const rejected = new CounterRate(SAMPLES);
  const deliveries = new AttemptRate(SAMPLES);
  let catalog = null;
  let timer = null;
  let stopped = false;
  let failing = false;

  async function readTiles() {
    catalog ??= (await api.get('/v1/metrics')).metrics;
    const window = windowSelect.value;
    const readings = await Promise.all(catalog.map((m) => api.get(path(`/v1/metrics/${segment(m.name)}`, { window }))));
    replace(tiles, catalog.map((m, i) => h('li', { class: 'tile', 'data-metric': m.name },
      h('h3', { class: 'tile-name' }, m.name),
      h('p', { class: 'tile-value' }, metricValue(readings[i].value, m.unit)),
      h('p', { class: 'tile-unit' }, `${m.unit} · ${window}`),
      h('p', { class: 'tile-description' }, m.description))));
  }

  async function readRates() {
    const now = Date.now();
    const [accepted, refused, hooks] = await Promise.all([
      api.get('/v1/metrics/events_total?window=30d'),
      api.get('/v1/metrics/rejected_total?window=30d'),
      api.get(path('/v1/webhooks', { limit: CHARTED_WEBHOOKS })),
    ]);
    const logs = await Promise.all(hooks.webhooks.map((w) => api.get(path(`/v1/webhooks/${segment(w.id)}/logs`, { limit: LOG_PAGE }))));
    ingest.add(now, Number(accepted.value ?? 0));
    rejected.add(now, Number(refused.value ?? 0));
    deliveries.add(now, logs.map((l) => l.logs), LOG_PAGE);
    replace(charts,
      lineChart('Ingest', 'events/s', [
        { name: 'accepted', className: 'series-a', points: ingest.points },
        { name: 'rejected', className: 'series-b', points: rejected.points }], SAMPLES),
      lineChart(deliveries.lowerBound ? 'Delivery attempts (at least)' : 'Delivery attempts', 'attempts/s', [
        { name: 'delivered', className: 'series-a', points: deliveries.delivered },
        { name: 'failed', className: 'series-b', points: deliveries.failed }], SAMPLES));
  }

  async function poll() {
    const done = await attempt(async () => {
      await Promise.all([readTiles(), readRates()]);
      return true;
    });
    if (stopped) return;
    if (done) {
      // In UTC, as every time in the tables: a local 12-hour clock beside them read as another time.
      updated.textContent = `Updated ${new Date().toISOString().slice(11, 19)}Z`;
      // The failure announced by an earlier poll is over.
      if (failing) clearStatus();
      failing = false;
    } else {
      // The server may come back restarted with another metrics file: read the catalog again then.
      failing = true;
      catalog = null;
    }
    timer = setTimeout(poll, POLL_MILLIS);
  }

  windowSelect.addEventListener('change', () => attempt(readTiles));
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
