#!/usr/bin/env bash
# One tenant's fan-out against another tenant's ingest latency, from outside: tenant "wide" has 1,000
# webhooks on an independent receiver and posts a 10-event batch every 0.5 s (20,000 deliveries/s
# offered); tenant "other" posts 100 single events/s on a fixed schedule (scripts/open-loop.js), whose
# latency, counted from when each request was due, is the result.
# Usage: scripts/fanout-isolation.sh [seconds=60]
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
port=${EW_PORT:-18181}; receiver_port=${RECEIVER_PORT:-19181}
seconds=${1:-60}
start_server $port --max-webhooks-per-tenant 1000
start_receiver $receiver_port
wide=$(tenant_key $port wide); other=$(tenant_key $port other)
for h in $(seq 1 1000); do webhook $port "$wide" "http://127.0.0.1:$receiver_port/w$h"; done
webhook $port "$other" "http://127.0.0.1:$receiver_port/other"
batch='{"events":['$(printf '{"event_type":"a.b"},%.0s' $(seq 1 9))'{"event_type":"a.b"}]}'
( end=$((SECONDS + seconds)); while (( SECONDS < end )); do
    curl -s -o /dev/null -w '%{http_code}\n' -XPOST 127.0.0.1:$port/v1/events -H "Authorization: Bearer $wide" \
      -H 'content-type: application/json' -d "$batch" >> "$work/wide-codes"; sleep 0.5; done ) &
pids+=($!); fan=$!
echo "== tenant other: 100 single events/s for $seconds s while tenant wide fans out"
node "$root/scripts/open-loop.js" --url "http://127.0.0.1:$port/v1/events" --rate 100 --seconds "$seconds" --slice 10 --method POST \
  --header "authorization: Bearer $other" --header 'content-type: application/json' \
  --body '{"event_type":"order.created","data":{"total_amount":1}}'
wait "$fan" || true
echo "tenant wide's batches by status: $(sort "$work/wide-codes" | uniq -c | tr -s ' \n' ' ')"
echo "deliveries counted by the receiver so far: $(received)"
