// Open-loop load generator: sends requests on a fixed schedule whatever the server answers, and measures
// each one from the moment it was due to be sent, so a stalled server shows in the latency (a closed loop
// — a fixed number of connections each waiting for its answer — stops sending while the server stalls
// and hides the stall: coordinated omission).
// Usage: node open-loop.js --url URL --rate N --seconds S [--method POST] [--header 'k: v']... [--body JSON] [--slice 30] [--slow MS]
// Prints: latency percentiles for the run and for each slice, requests by status code; with --slow, each
// request slower than MS as it completes, with its wall-clock due time (to match against server and GC logs).
'use strict';
const http = require('http');
const args = { method: 'GET', headers: {}, slice: 30 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, ''), v = process.argv[i + 1];
  if (k === 'header') { const at = v.indexOf(':'); args.headers[v.slice(0, at).trim()] = v.slice(at + 1).trim(); }
  else args[k] = v;
}
const url = new URL(args.url), rate = Number(args.rate), seconds = Number(args.seconds), slice = Number(args.slice);
if (!(rate > 0) || !(seconds > 0)) { console.error('usage: node open-loop.js --url URL --rate N --seconds S ...'); process.exit(2); }
const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });
const total = Math.round(rate * seconds), results = [], codes = {};
const start = process.hrtime.bigint(), startWall = Date.now(), slow = args.slow ? Number(args.slow) : Infinity;
let sent = 0, done = 0;
const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
function send(dueMs) {
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: args.method, agent, headers: args.headers }, res => {
    res.resume();
    res.on('end', () => finish(dueMs, String(res.statusCode)));
  });
  req.on('error', e => finish(dueMs, 'error:' + e.code));
  if (args.body) req.end(args.body); else req.end();
}
function finish(dueMs, code) {
  const latency = ms() - dueMs;
  results.push([dueMs, latency]);
  if (latency > slow) console.log(`slow: due ${new Date(startWall + dueMs).toISOString()} (${(dueMs / 1000).toFixed(3)} s in) took ${latency.toFixed(1)} ms`);
  codes[code] = (codes[code] || 0) + 1;
  if (++done === total) report();
}
const timer = setInterval(() => {
  const now = ms();
  while (sent < total && sent * 1000 / rate <= now) send(sent++ * 1000 / rate);
  if (sent === total) clearInterval(timer);
}, 1);
setTimeout(() => { if (done < total) { console.log(`${total - done} requests unanswered 60 s after the run`); report(); } }, seconds * 1000 + 60000).unref();
function pct(sorted, p) { return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN; }
function line(label, lat) {
  const s = lat.slice().sort((a, b) => a - b);
  return `${label} n=${s.length} p50=${pct(s, 0.5).toFixed(1)} p90=${pct(s, 0.9).toFixed(1)} p99=${pct(s, 0.99).toFixed(1)} p99.9=${pct(s, 0.999).toFixed(1)} max=${s[s.length - 1].toFixed(1)} ms`;
}
function report() {
  console.log(line(`${args.method} ${url.pathname} at ${rate}/s for ${seconds} s, open loop:`, results.map(r => r[1])));
  const slices = {};
  for (const [due, lat] of results) (slices[Math.floor(due / 1000 / slice)] ||= []).push(lat);
  for (const k of Object.keys(slices).sort((a, b) => a - b)) console.log(line(`  slice ${k * slice}-${(Number(k) + 1) * slice} s:`, slices[k]));
  console.log('  by status: ' + Object.entries(codes).map(([c, n]) => `${c}: ${n}`).join(', '));
  process.exit(0);
}
