#!/usr/bin/env bash
# Ingest latency from outside: autocannon posts single events at a fixed rate to a `serve` process whose
# webhooks point at an independent receiver, while a second autocannon reads /health at 200/s (the same
# run's baseline). Usage: scripts/ingest-autocannon.sh [seconds=60] [events/s=1000] [webhooks=2]
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
seconds=${1:-60}; rate=${2:-1000}; hooks=${3:-2}
start_server 18180
start_receiver 19180
key=$(tenant_key 18180 acme)
for h in $(seq 1 "$hooks"); do webhook 18180 "$key" "http://127.0.0.1:19180/h$h"; done
autocannon -R 200 -c 4 -d "$seconds" http://127.0.0.1:18180/health > "$work/health.txt" 2>&1 &
pids+=($!); health=$!
echo "== POST /v1/events, $rate single events/s, $hooks webhook(s), $seconds s"
autocannon -R "$rate" -c 32 -d "$seconds" -m POST -H "authorization=Bearer $key" -H 'content-type=application/json' \
  -b '{"event_type":"order.created","data":{"total_amount":12.5}}' http://127.0.0.1:18180/v1/events 2>&1 | grep -E "Stat|Latency|Req/Sec|requests in|2xx"
wait "$health" || true
echo "== GET /health at 200/s during the same run"
grep -E "Stat|Latency|requests in" "$work/health.txt" | head -3
sleep 3
echo "deliveries counted by the receiver: $(received)"
