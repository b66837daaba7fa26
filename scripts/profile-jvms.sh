#!/usr/bin/env bash
# Where the CPU goes, per thread, in every JVM a command starts: the command runs with async-profiler
# (fetched from Maven Central on first use) loaded into each JVM through JAVA_TOOL_OPTIONS, sampling CPU
# time every millisecond of each thread's CPU, Java and native frames (DuckDB's, the kernel's) alike. Each
# JVM writes one collapsed-stack file per 5-second window, named by its pid and the window's start, so a
# phase of a bench (a drain, a steady load) is read from the files of the server's pid that cover it.
#
# Usage: scripts/profile-jvms.sh run OUT_DIR COMMAND [ARGS...]   e.g. run /tmp/p ./eventwire bench delivery
#        scripts/profile-jvms.sh threads FILE...                  CPU by thread over the files (cores, %)
#        scripts/profile-jvms.sh frames PATTERN FILE...           frames within threads matching PATTERN,
#                                                                 by share of those threads' samples
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=4.2
window_s=5

library() {
  local dir="$root/target/async-profiler-$version"
  if [[ ! -f "$dir/libasyncProfiler.so" ]]; then
    mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="tools.profiler:async-profiler:$version" -Dtransitive=false >&2
    mkdir -p "$dir"
    unzip -q -o -j "$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar" linux-x64/libasyncProfiler.so -d "$dir"
  fi
  echo "$dir/libasyncProfiler.so"
}

# Collapsed lines are "[thread tid=N];frame;frame;... samples"; thread numbers are folded so a pool reads as one.
case "${1:-}" in
  run)
    out=${2:?usage: scripts/profile-jvms.sh run OUT_DIR COMMAND [ARGS...]}; shift 2
    mkdir -p "$out"
    lib=$(library)
    export JAVA_TOOL_OPTIONS="-agentpath:$lib=start,event=cpu,interval=1000000,threads,loop=${window_s}s,file=$out/%p-%t.collapsed,collapsed"
    exec "$@"
    ;;
  threads)
    shift
    awk -v window="$window_s" '
      { n = $NF; t = $0; sub(/;.*/, "", t); gsub(/[0-9]+/, "#", t); by[t] += n; all += n }
      END {
        files = ARGC - 1
        printf "%d samples (1 ms of CPU each) in %d file(s): %.2f cores over %d s\n", all, files, all / 1000 / (files * window), files * window
        for (t in by) printf "%7d %5.1f%%  %s\n", by[t], 100 * by[t] / all, t
      }' "$@" | { read -r head; echo "$head"; sort -rn | head -25; }
    ;;
  frames)
    pattern=${2:?usage: scripts/profile-jvms.sh frames PATTERN FILE...}; shift 2
    table=$(mktemp); trap 'rm -f "$table"' EXIT
    awk -v pattern="$pattern" '
      {
        n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
        k = split(line, f, ";"); if (index(f[1], pattern) == 0) next
        all += n; self[f[k]] += n
        delete seen
        for (i = 2; i <= k; i++) if (!(f[i] in seen)) { seen[f[i]] = 1; incl[f[i]] += n }
      }
      END {
        printf "%d samples in threads matching \"%s\"\n", all, pattern
        for (x in incl) printf "incl %7d %5.1f%%  %s\n", incl[x], 100 * incl[x] / all, substr(x, 1, 140)
        for (x in self) printf "self %7d %5.1f%%  %s\n", self[x], 100 * self[x] / all, substr(x, 1, 140)
      }' "$@" > "$table"
    head -1 "$table"
    grep '^incl' "$table" | sort -k2,2 -rn | head -60
    grep '^self' "$table" | sort -k2,2 -rn | head -25
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
