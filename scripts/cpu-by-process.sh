#!/usr/bin/env bash
# Where the machine's CPU goes while a benchmark runs, measured from outside every process: every 2 s,
# for each java and postgres process, its CPU time so far and (java) that of its JIT compiler threads,
# from /proc, each stamped with the time it was read. Run it beside a bench, then sum a time window
# with --window.
# Usage: scripts/cpu-by-process.sh OUT                      (samples until stopped; Ctrl-C)
#        scripts/cpu-by-process.sh --window OUT FROM TO     (cores used per process between two epoch seconds)
set -euo pipefail
hz=$(getconf CLK_TCK)
if [[ "${1:-}" == "--window" ]]; then
  awk -v from="$3" -v to="$4" -v hz="$hz" '
    $1 >= from && $1 <= to {
      if (!($2 in t0)) { t0[$2] = $1; c0[$2] = $3; j0[$2] = $4 }
      t1[$2] = $1; c1[$2] = $3; j1[$2] = $4
      name = ""; for (i = 5; i <= NF; i++) name = name " " $i; names[$2] = substr(name, 2, 70)
    }
    END {
      for (p in t0) {
        dt = t1[p] - t0[p]; if (dt <= 0) continue
        cores = (c1[p] - c0[p]) / hz / dt; jit = (j1[p] - j0[p]) / hz / dt
        if (names[p] ~ /^postgres/) { pg += cores; continue }
        if (cores >= 0.01) printf "%5.2f cores (JIT %4.2f)  pid %s  %s\n", cores, jit, p, names[p]
        all += cores
      }
      printf "%5.2f cores  PostgreSQL, all its processes\n%5.2f cores  in all\n", pg, all + pg
    }' "$2" | sort -rn
  exit 0
fi
# user + system clock ticks from a /proc stat line (the name in parentheses may hold spaces: skip past it)
ticks() { local rest=${1##*) }; local -a f; read -r -a f <<< "$rest"; echo $((f[11] + f[12])); }
declare -A names
out=${1:?usage: scripts/cpu-by-process.sh OUT}
while true; do
  for p in $(pgrep -f 'java|postgres' || true); do
    [[ -n "${names[$p]:-}" ]] || names[$p]=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | sed 's/ -[^ ]*//g' | cut -c1-120) || continue
    jit=0
    if [[ "${names[$p]}" == *java* ]]; then
      for t in /proc/$p/task/*; do
        read -r comm < "$t/comm" 2>/dev/null || continue
        if [[ "$comm" == C1* || "$comm" == C2* ]]; then
          read -r line < "$t/stat" 2>/dev/null && jit=$((jit + $(ticks "$line")))
        fi
      done
    fi
    read -r line < "/proc/$p/stat" 2>/dev/null || continue
    echo "$EPOCHREALTIME $p $(ticks "$line") $jit ${names[$p]}"
  done >> "$out"
  sleep 2
done
