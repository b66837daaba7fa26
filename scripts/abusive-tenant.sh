#!/usr/bin/env bash
# One tenant floods ingest with the largest batches the API takes while another posts single events:
# does the flood raise the other tenant's ingest latency? Server, receiver, flood (scripts/batch-flood.js)
# and the other tenant's open-loop load generator (scripts/open-loop.js) each run in a process of their
# own; /health is read at 50/s in the same run as the baseline.
# Usage: scripts/abusive-tenant.sh [seconds=60] [flood connections=4] [other tenant's events/s=100]
# FLOOD_NICE=N runs the flood's generator at that nice value (default 0): on one machine its CPU (some
# 0.7 of a core building 4.8 MB bodies) is taken from the server's, where a real tenant's is its own.
# SLICE=S sets the slice length (default 10 s); SLOW=MS prints every request of the other tenant slower than MS with its time.
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
port=${EW_PORT:-18280}; receiver_port=${RECEIVER_PORT:-19280}
seconds=${1:-60}; connections=${2:-4}; rate=${3:-100}
start_server $port
start_receiver $receiver_port
flood_key=$(tenant_key $port flood)
other_key=$(tenant_key $port other)
webhook $port "$other_key" "http://127.0.0.1:$receiver_port/other"
nice -n "${FLOOD_NICE:-0}" node "$root/scripts/batch-flood.js" --url "http://127.0.0.1:$port/v1/events" --key "$flood_key" --connections "$connections" --seconds "$seconds" > "$work/flood.txt" 2>&1 &
pids+=($!); flood=$!
node "$root/scripts/open-loop.js" --url "http://127.0.0.1:$port/health" --rate 50 --seconds "$seconds" > "$work/health.txt" 2>&1 &
pids+=($!); health=$!
echo "== tenant other: POST /v1/events, $rate single events/s, while tenant flood posts ~4.8 MB batches on $connections connections, $seconds s"
node "$root/scripts/open-loop.js" --url "http://127.0.0.1:$port/v1/events" --rate "$rate" --seconds "$seconds" --slice "${SLICE:-10}" ${SLOW:+--slow "$SLOW"} --method POST \
  --header "authorization: Bearer $other_key" --header 'content-type: application/json' \
  --body '{"event_type":"order.created","data":{"total_amount":12.5}}'
wait "$health" "$flood" || true
echo "== the flood"
cat "$work/flood.txt"
echo "== GET /health at 50/s during the same run"
head -1 "$work/health.txt"
