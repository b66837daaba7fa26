#!/usr/bin/env bash
# Ingest latency from outside: an open-loop load generator (scripts/open-loop.js) posts single events on
# a fixed schedule to a `serve` process whose webhooks point at an independent receiver, while a second
# one reads /health at 200/s (the same run's baseline). Latency counts from when each request was due,
# so a stall shows in full. Usage: scripts/ingest-open-loop.sh [seconds=60] [events/s=1000] [webhooks=2]
# SLICE=S sets the slice length (default 30 s); SLOW=MS prints every request slower than MS with its time.
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
port=${EW_PORT:-18180}; receiver_port=${RECEIVER_PORT:-19180}
seconds=${1:-60}; rate=${2:-1000}; hooks=${3:-2}
start_server $port
start_receiver $receiver_port
key=$(tenant_key $port acme)
for h in $(seq 1 "$hooks"); do webhook $port "$key" "http://127.0.0.1:$receiver_port/h$h"; done
node "$root/scripts/open-loop.js" --url "http://127.0.0.1:$port/health" --rate 200 --seconds "$seconds" > "$work/health.txt" 2>&1 &
pids+=($!); health=$!
echo "== POST /v1/events, $rate single events/s, $hooks webhook(s), $seconds s"
node "$root/scripts/open-loop.js" --url "http://127.0.0.1:$port/v1/events" --rate "$rate" --seconds "$seconds" --slice "${SLICE:-30}" ${SLOW:+--slow "$SLOW"} --method POST \
  --header "authorization: Bearer $key" --header 'content-type: application/json' \
  --body '{"event_type":"order.created","data":{"total_amount":12.5}}'
wait "$health" || true
echo "== GET /health at 200/s during the same run"
head -1 "$work/health.txt"
sleep 3
echo "deliveries counted by the receiver: $(received)"
