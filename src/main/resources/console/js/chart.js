// A small line chart in inline SVG: one polyline per series over the last samples, scaled to the peak.
import { svg, h } from './dom.js';
import { rate } from './format.js';

const WIDTH = 300;
const HEIGHT = 100;

/** series: [{name, className, points}]; capacity: how many samples fill the width. */
export function lineChart(title, unit, series, capacity) {
  const points = series.flatMap((s) => s.points);
  const peak = Math.max(0, ...points);
  // Scaled to at least 1, so an idle page draws flat lines on the axis; the text says the real peak.
  const scale = Math.max(1, peak);
  const step = WIDTH / Math.max(1, capacity - 1);
  const lines = series.map((s) => {
    const offset = capacity - s.points.length;
    const coordinates = s.points.map((value, i) =>
      `${((offset + i) * step).toFixed(1)},${(HEIGHT - (value / scale) * (HEIGHT - 4)).toFixed(1)}`).join(' ');
    return svg('polyline', { class: `line ${s.className}`, points: coordinates });
  });
  const latest = series.map((s) => `${s.name} ${s.points.length ? rate(s.points.at(-1)) : '—'} ${unit}`).join(', ');
  const peakText = points.length ? `peak ${rate(peak)} ${unit}` : 'no samples yet';
  const label = `${title}: latest ${latest}; ${peakText}`;
  return h('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
      svg('line', { class: 'axis', x1: 0, y1: HEIGHT, x2: WIDTH, y2: HEIGHT }),
      lines),
    h('figcaption', {},
      h('span', { class: 'chart-title' }, title),
      h('span', { class: 'chart-peak' }, peakText),
      h('ul', { class: 'legend' }, series.map((s) => h('li', { class: s.className },
        `${s.name}: ${s.points.length ? rate(s.points.at(-1)) : '—'} ${unit}`)))));
}
