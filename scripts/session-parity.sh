#!/usr/bin/env bash
# Sessions both ways between the reference pi 0.87.1 and ours:
#   1. a session we write (tools, thinking, a branch, a label, a compaction, a name) is
#      continued by the reference (`pi --session <file> -p ...` against the mock LLM server):
#      it must keep our lines, append under our leaf, and send our context; then we read
#      what it appended;
#   2. version 1 sessions migrated by the reference and by us are identical but for the
#      generated entry ids.
#
#   scripts/session-parity.sh
#
# Uses the mock server and runner of ../shared/tools (pi-ref.sh) and the reference installed
# there (PI_REF_DIR, default /tmp/pi-ref); without them it says so and exits 0. CI does not
# run it.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=${PI_SHARED_TOOLS:-../shared/tools}
ref_dir=${PI_REF_DIR:-/tmp/pi-ref}
if [ ! -x "$tools/pi-ref.sh" ] || [ ! -x "$ref_dir/node_modules/.bin/pi" ]; then
  echo "session-parity: reference pi or $tools/pi-ref.sh not available; skipping"
  exit 0
fi
cargo build -q -p pi-coding-agent --example session_sample
sample=target/debug/examples/session_sample
work=$(mktemp -d "${TMPDIR:-/tmp}/pi-session-parity.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok    $1"; else echo "FAIL  $1"; fail=1; fi; }

# 1. Ours, continued by the reference.
file="$work/ours.jsonl"
leaf=$("$sample" write "$file" "$work")
lines=$(wc -l <"$file")
cp "$file" "$work/before.jsonl"
WORK="$work" "$tools/pi-ref.sh" run --provider mock-chat --model hello --session "$file" \
  -p "Continue from here." >"$work/ref.out" 2>&1 || true
check "the reference kept every line we wrote" \
  'cmp -s <(head -n "$lines" "$file") "$work/before.jsonl"'
check "the reference appended under our leaf" \
  '[ "$(sed -n "$((lines + 1))p" "$file" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"parentId\"])")" = "$leaf" ]'
context=$(tail -1 "$work/requests.jsonl" | python3 -c '
import json, sys
body = json.load(sys.stdin)["body"]
print(json.dumps(body["messages"]))')
check "the reference sent our compacted context" \
  'grep -q "COMPACTED: the user listed files" <<<"$context" && grep -q "What is in input.txt?" <<<"$context"'
check "the reference left out the abandoned branch" '! grep -q ABANDONED <<<"$context"'
shown=$("$sample" show "$file")
check "we read what the reference appended ($shown)" \
  'python3 -c "import json,sys; s=json.loads(sys.argv[1]); assert s[\"entries\"] == $lines + 2, s; assert s[\"context\"][-3:] == [\"system\", \"user\", \"assistant\"], s" "$shown"'

# 2. Version 1 migrations.
for fixture in fixtures/sessions-v1/*.jsonl; do
  name=$(basename "$fixture")
  cp "$fixture" "$work/ref-$name"; cp "$fixture" "$work/our-$name"; chmod u+w "$work"/*-"$name"
  WORK="$work/run-$name" "$tools/pi-ref.sh" run --provider mock-chat --model hello \
    --session "$work/ref-$name" -p hi >/dev/null 2>&1 || true
  "$sample" show "$work/our-$name" >/dev/null
  check "$name migrates as the reference migrates it" 'python3 - "$work/our-$name" "$work/ref-$name" <<"PY"
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
theirs = [json.loads(l) for l in open(sys.argv[2])]
assert len(ours) == len(theirs), (len(ours), len(theirs))
ids = {a.get("id"): b.get("id") for a, b in zip(ours, theirs) if "id" in a}
for a, b in zip(ours, theirs):
    for key in ("id", "parentId", "firstKeptEntryId"):
        if a.get(key) in ids and a["type"] != "session":
            a[key] = ids[a[key]]
    assert a == b and list(a) == list(b), (a, b)
PY'
done

[ "$fail" = 0 ] && echo "session parity: all checks passed" || { echo "session parity: FAILED"; exit 1; }
