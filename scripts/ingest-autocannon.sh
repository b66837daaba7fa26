#!/usr/bin/env bash
# Ingest latency from outside: autocannon posts single events at a fixed rate to a `serve` process whose
# webhooks point at an independent receiver, while a second autocannon reads /health at 200/s (the same
# run's baseline). Usage: scripts/ingest-autocannon.sh [seconds=60] [events/s=1000] [webhooks=2]
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
port=${EW_PORT:-18180}; receiver_port=${RECEIVER_PORT:-19180}
seconds=${1:-60}; rate=${2:-1000}; hooks=${3:-2}
start_server $port
start_receiver $receiver_port
key=$(tenant_key $port acme)
for h in $(seq 1 "$hooks"); do webhook $port "$key" "http://127.0.0.1:$receiver_port/h$h"; done
autocannon -R 200 -c 4 -d "$seconds" http://127.0.0.1:$port/health > "$work/health.txt" 2>&1 &
pids+=($!); health=$!
echo "== POST /v1/events, $rate single events/s, $hooks webhook(s), $seconds s"
autocannon -R "$rate" -c 32 -d "$seconds" -m POST -H "authorization=Bearer $key" -H 'content-type=application/json' \
  -b '{"event_type":"order.created","data":{"total_amount":12.5}}' --renderStatusCodes http://127.0.0.1:$port/v1/events 2>&1 | grep -E "Stat|Latency|Req/Sec|requests in|Code|[0-9]{3} "
wait "$health" || true
echo "== GET /health at 200/s during the same run"
grep -E "Stat|Latency|requests in" "$work/health.txt" | head -3
sleep 3
echo "deliveries counted by the receiver: $(received)"
