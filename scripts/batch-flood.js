// A tenant that floods ingest: posts the largest batches the API takes (1,000 events of ~4.8 KB each,
// about 4.8 MB per request) from several connections as fast as the server accepts them, honouring
// Retry-After on a 429 or 503. Used by scripts/abusive-tenant.sh.
// Usage: node batch-flood.js --url URL --key KEY --connections N --seconds S
// Prints: requests by status code, events accepted, MB/s accepted.
'use strict';
const http = require('http');
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const url = new URL(args.url), connections = Number(args.connections || 4), seconds = Number(args.seconds || 60);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const pad = 'x'.repeat(4800), end = Date.now() + seconds * 1000, codes = {};
let accepted = 0, bytes = 0, n = 0;
function body(prefix) {
  const events = [];
  for (let j = 0; j < 1000; j++) events.push(`{"event_id":"${prefix}-${j}","event_type":"bulk","data":{"pad":"${pad}"}}`);
  return `{"events":[${events.join(',')}]}`;
}
function loop(worker) {
  if (Date.now() >= end) return;
  const b = body(`flood-${process.pid}-${worker}-${n++}`);
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
    headers: { authorization: 'Bearer ' + args.key, 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) } }, res => {
    const chunks = [];
    res.on('data', c => chunks.push(c));
    res.on('end', () => {
      codes[res.statusCode] = (codes[res.statusCode] || 0) + 1;
      if (res.statusCode === 200 || res.statusCode === 202) { accepted += 1000; bytes += b.length; setImmediate(() => loop(worker)); }
      else setTimeout(() => loop(worker), 1000 * Number(res.headers['retry-after'] || 1));
    });
  });
  req.on('error', e => { codes['error:' + e.code] = (codes['error:' + e.code] || 0) + 1; setTimeout(() => loop(worker), 1000); });
  req.end(b);
}
const started = Date.now();
for (let w = 0; w < connections; w++) loop(w);
const timer = setInterval(() => {
  if (Date.now() < end) return;
  clearInterval(timer);
  setTimeout(() => {
    const s = (Date.now() - started) / 1000;
    console.log(`flood: requests by status ${JSON.stringify(codes)}; ${accepted} events accepted, ${(bytes / 1e6 / s).toFixed(1)} MB/s`);
    process.exit(0);
  }, 2000);
}, 200);
