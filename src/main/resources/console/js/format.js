// How values look on screen.

/** 2026-11-29T09:20:11.123456Z -> 2026-11-29 09:20:11Z, in a <time> element keeping the exact value. */
export function timestamp(iso) {
  if (!iso) return '—';
  const shown = iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const element = document.createElement('time');
  element.setAttribute('datetime', iso);
  element.textContent = shown;
  return element;
}

export function metricValue(value, unit) {
  if (value === null || value === undefined) return '—';
  const number = Number(value);
  if (unit === 'ratio') return `${(number * 100).toFixed(1)} %`;
  if (unit === 'currency') return number.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return Number.isInteger(number) ? number.toLocaleString('en') : number.toLocaleString('en', { maximumFractionDigits: 3 });
}

export function rate(perSecond) {
  return perSecond.toLocaleString('en', { maximumFractionDigits: perSecond < 10 ? 2 : 0 });
}

export function listText(text) {
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}
