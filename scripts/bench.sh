#!/usr/bin/env bash
# Whole-process performance figures (DESIGN targets), one line per figure.
#
#   scripts/bench.sh            # release build, then every figure that exists so far
#
# Wall times are the mean of repeated runs; peak RSS comes from GNU time when installed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -q -p pi-coding-agent
pi=target/release/pi
runs=${RUNS:-50}

# Mean wall time of a command in milliseconds.
wall_ms() {
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "%.2f", ns / n / 1e6 }'
}

# Peak resident set size of a command in MB, or "n/a" without GNU time.
peak_rss_mb() {
  if [ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null; then
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
  else
    echo "n/a"
  fi
}

for flag in --version --help; do
  printf 'pi %-9s  %8s ms wall  %6s MB peak RSS   (target: < 5 ms, < 10 MB)\n' \
    "$flag" "$(wall_ms "$pi" "$flag")" "$(peak_rss_mb "$pi" "$flag")"
done

# Stream parsing through loopback HTTP, SSE, JSON and events (criterion).
cargo bench -q -p pi-ai --bench stream_parse -- --noplot 2>/dev/null |
  awk '/^stream_parse\// { name = $1 } /thrpt:/ && name { printf "%-36s %s %s   (target: >= 100 MB/s)\n", name, $4, $5; name = "" }'
