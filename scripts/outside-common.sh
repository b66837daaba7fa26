# Shared by the outside benchmarks: a `serve` process, an independent receiver (Node.js `http`, answers
# 200 and counts), tenant keys. Needs node and curl on PATH; the load generator is scripts/open-loop.js.
# Ports: EW_PORT for the server, RECEIVER_PORT for the receiver (each script has its own defaults).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in node curl; do
  command -v "$tool" >/dev/null || { echo "$(basename "$0"): needs $tool on PATH" >&2; exit 2; }
done
work="$(mktemp -d /tmp/eventwire-outside-XXXXXX)"
pids=()
# SERVER_LOG=FILE keeps a copy of the server's log after the run.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [[ -n "${SERVER_LOG:-}" && -f "$work/server.log" ]]; then cp "$work/server.log" "$SERVER_LOG"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_server PORT [serve options...]
start_server() {
  local port=$1; shift
  "$root/eventwire" serve --port "$port" --data "$work/data" --egress-allow 127.0.0.1/32 "$@" > "$work/server.log" 2>&1 &
  pids+=($!)
  # It listens after its warm-up, which lasts up to three times EVENTWIRE_WARM_UP: wait that, plus a minute.
  local warm=${EVENTWIRE_WARM_UP:-0s} warm_s
  case $warm in *m) warm_s=$(( ${warm%m} * 60 ));; *s) warm_s=${warm%s};; *) warm_s=60;; esac
  [[ $warm_s =~ ^[0-9]+$ ]] || warm_s=60
  for _ in $(seq 1 $(( (60 + 3 * warm_s) * 5 ))); do curl -sf "127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.2; done
  echo "the server did not start; see its log:" >&2; cat "$work/server.log" >&2; exit 1
}

# start_receiver PORT: counts requests into $work/received
start_receiver() {
  node -e "let n=0;require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{n++;s.end('ok')})}).listen($1,'127.0.0.1');setInterval(()=>require('fs').writeFileSync('$work/received',String(n)),250)" &
  pids+=($!)
  sleep 0.5
}

received() { cat "$work/received" 2>/dev/null || echo 0; }

# tenant_key PORT TENANT
tenant_key() {
  curl -s -XPOST "127.0.0.1:$1/v1/admin/keys" -H "Authorization: Bearer $(cat "$work/data/admin.key")" -H 'content-type: application/json' \
    -d "{\"tenant\":\"$2\",\"name\":\"bench\"}" | sed 's/.*"key":"\([^"]*\)".*/\1/'
}

# webhook PORT KEY URL
webhook() {
  curl -s -o /dev/null -XPOST "127.0.0.1:$1/v1/webhooks" -H "Authorization: Bearer $2" -H 'content-type: application/json' -d "{\"url\":\"$3\"}"
}
