#!/usr/bin/env bash
# Drives the chat example in a real terminal (tmux): types, uses autocomplete and the model
# overlay, resizes, quits, and checks what a user would see at each step, including that the
# shell output from before the example started is still in the scrollback afterwards.
#
#   crates/pi-tui/scripts/tmux-chat.sh
#
# Skips (exit 0) when tmux is not installed.
set -euo pipefail

if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux-chat: tmux is not installed; skipping"
  exit 0
fi

crate_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$crate_dir"
cargo build -q -p pi-tui --example chat
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
chat="$target_dir/debug/examples/chat"

session="pi-tui-chat-$$"
socket="pi-tui-chat-$$"
tmux_() { tmux -L "$socket" "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null || true; }
trap cleanup EXIT

fail() {
  echo "tmux-chat: FAIL: $1" >&2
  echo "---- screen ----" >&2
  tmux_ capture-pane -p -t "$session" >&2 || true
  exit 1
}

screen() { tmux_ capture-pane -p -t "$session"; }
history() { tmux_ capture-pane -p -S -2000 -t "$session"; }

# Waits up to 5 s for the screen to contain a string.
wait_for() {
  local needle=$1
  for _ in $(seq 50); do
    if screen | grep -qF -- "$needle"; then return 0; fi
    sleep 0.1
  done
  fail "screen never showed: $needle"
}

passed=0
check() { passed=$((passed + 1)); echo "ok $passed - $1"; }

tmux_ new-session -d -s "$session" -x 80 -y 24 \
  "bash --norc --noprofile -c 'for i in 1 2 3; do echo BEFORE-PI-\$i; done; $chat; echo CHAT-EXITED; sleep 30'"

wait_for "pi-tui chat demo"
screen | grep -qF "BEFORE-PI-3" || fail "shell output before the example is not above it"
screen | grep -q "^─\{80\}$" || fail "no editor border"
check "first frame below the shell output, with the editor"

tmux_ send-keys -t "$session" -l "hello there"
wait_for "hello there"
tmux_ send-keys -t "$session" Enter
wait_for "› hello there"
wait_for "Thinking..."
check "message sent, spinner shown"
wait_for "│ /model │ pick a model │"
sleep 0.3
screen | grep -qF "Thinking..." && fail "spinner still shown after the reply finished"
screen | grep -qF "│ Enter  │ send" || fail "table not drawn"
check "reply streamed in with markdown (code, list, table)"

tmux_ send-keys -t "$session" -l "/mo"
wait_for "Pick the model"
check "slash command autocomplete"
tmux_ send-keys -t "$session" Escape
sleep 0.2
screen | grep -qF "Pick the model" && fail "popup still open after Escape"
tmux_ send-keys -t "$session" C-u
tmux_ send-keys -t "$session" -l "/model"
tmux_ send-keys -t "$session" Escape
sleep 0.2
tmux_ send-keys -t "$session" Enter
wait_for "scripted mod"
wait_for "→ claude-sonnet-4-5"
check "model picker overlay"
tmux_ send-keys -t "$session" Down
tmux_ send-keys -t "$session" Enter
wait_for "Model set to gpt-5"
screen | grep -qF "scripted mod" && fail "overlay still shown after choosing"
check "overlay choice applied and overlay removed"

tmux_ send-keys -t "$session" -l "see @Cargo.to"
wait_for "Cargo.toml"
tmux_ send-keys -t "$session" Tab
wait_for "see @Cargo.toml"
tmux_ send-keys -t "$session" C-u
check "@ file autocomplete"

tmux_ resize-window -t "$session" -x 60 -y 20
sleep 0.5
screen | grep -q "^─\{60\}$" || fail "editor not redrawn at the new width"
check "resize redraws at the new width"

for i in 1 2 3 4 5 6; do
  tmux_ send-keys -t "$session" -l "line $i"
  tmux_ send-keys -t "$session" Enter
  wait_for "› line $i"
  for _ in $(seq 50); do screen | grep -qF "Thinking..." || break; sleep 0.1; done
done
check "many messages scroll the transcript"

tmux_ send-keys -t "$session" C-c
tmux_ send-keys -t "$session" C-c
wait_for "CHAT-EXITED"
history | grep -qF "BEFORE-PI-1" || fail "shell output from before the example was erased"
history | grep -qF "› hello there" || fail "transcript not left in the scrollback"
check "quit leaves the transcript and the earlier shell output in scrollback"

# SIGTERM: the example stops, the terminal leaves raw mode, the transcript stays.
tmux_ kill-session -t "$session"
tmux_ new-session -d -s "$session" -x 80 -y 24 \
  "bash --norc --noprofile -c '$chat; echo CHAT-EXITED=\$?; stty -a; sleep 30'"
wait_for "pi-tui chat demo"
tmux_ send-keys -t "$session" -l "still typing"
wait_for "still typing"
shell_pid=$(tmux_ list-panes -t "$session" -F '#{pane_pid}')
chat_pid=$(pgrep -P "$shell_pid" | head -1)
[ -n "$chat_pid" ] || fail "chat process not found"
kill -TERM "$chat_pid"
wait_for "CHAT-EXITED"
screen | grep -q -- " icanon" || fail "terminal left in raw mode after SIGTERM"
screen | grep -q -- " echo " || fail "echo not restored after SIGTERM"
history | grep -qF "pi-tui chat demo" || fail "transcript gone after SIGTERM"
check "SIGTERM restores the terminal"

# A panic: the hook gives the terminal back before the message is printed.
tmux_ kill-session -t "$session"
tmux_ new-session -d -s "$session" -x 80 -y 24 \
  "bash --norc --noprofile -c 'RUST_BACKTRACE=0 CHAT_PANIC_AFTER_START=1 $chat; echo CHAT-EXITED=\$?; stty -a; sleep 30'"
wait_for "CHAT-EXITED"
history | grep -qF "CHAT_PANIC_AFTER_START is set" || fail "panic message not shown"
screen | grep -q -- " icanon" || fail "terminal left in raw mode after a panic"
check "a panic restores the terminal"

echo "$passed passed, 0 failed"
