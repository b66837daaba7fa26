#!/usr/bin/env bash
# One tenant posts events that each carry a fresh data.session_id (a client bug, or an abuse): what does it
# cost the heap every tenant shares, and the reads of that tenant's active_sessions and another's? Prints
# the server's live heap (after `jcmd GC.run`) before, after the posts and after a restart, and the time
# of five reads of each window for both tenants. The server runs in a process of its own.
# Usage: scripts/distinct-values-heap.sh [events=300000]   (server options after it, e.g. --max-distinct-values 1000000)
source "$(dirname "${BASH_SOURCE[0]}")/outside-common.sh"
port=${EW_PORT:-18380}
events=${1:-300000}; shift || true
live_heap() { # live heap of the server listening on $port, after two full collections
  local pid jcmd
  pid=$(pgrep -f "serve --port $port " | head -1)
  jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
  "$jcmd" "$pid" GC.run >/dev/null; sleep 1; "$jcmd" "$pid" GC.run >/dev/null
  "$jcmd" "$pid" GC.heap_info | grep -o "used [0-9]*K" | head -1 | sed 's/used \([0-9]*\)K/\1/' | awk '{printf "%.1f MB", $1 / 1024}'
}
start_server $port "$@"
evil=$(tenant_key $port evil); good=$(tenant_key $port good)
echo "live heap at the start:       $(live_heap)"
python3 - "$port" "$evil" "$good" "$events" <<'PY'
import sys, json, time, urllib.request, datetime
port, evil, good, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def call(key, path, body=None):
    r = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers={"authorization": "Bearer " + key, "content-type": "application/json"})
    return json.load(urllib.request.urlopen(r))
started, now = time.time(), datetime.datetime.now(datetime.timezone.utc)
for b in range(n // 1000):
    # Spread over the last 66 hours, so windows from 5m to 24h each hold some.
    events = [{"event_type": "page.viewed", "occurred_at": (now - datetime.timedelta(seconds=(b * 1000 + i) * 240000 // n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
               "data": {"session_id": "u-%d-%d" % (b, i)}} for i in range(1000)]
    call(evil, "/v1/events", json.dumps({"events": events}).encode())
call(good, "/v1/events", json.dumps({"events": [{"event_type": "page.viewed", "data": {"session_id": "g-%d" % i}} for i in range(1000)]}).encode())
print(f"posted {n} events with a fresh session id each in {time.time() - started:.1f} s (and 1,000 for another tenant)")
for window in ["5m", "1h", "24h"]:
    for name, key in [("that tenant", evil), ("another    ", good)]:
        times = []
        for _ in range(5):
            t = time.perf_counter(); value = call(key, f"/v1/metrics/active_sessions?window={window}")["value"]; times.append((time.perf_counter() - t) * 1000)
        print(f"{name} active_sessions {window:>3}: {value:>7}; first read {times[0]:5.1f} ms, the next four {min(times[1:]):.1f}-{max(times[1:]):.1f} ms")
PY
echo "live heap after the posts:    $(live_heap)"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
start_server $port "$@"
echo "live heap after a restart:    $(live_heap)"
