#!/usr/bin/env bash
# Runs the five-tool task with the reference pi 0.87.1 and with ours, against the same mock
# server script, in the same directory, and checks that every request body is the same:
# system prompt, tools, messages, options. Ids that are random by design (tool-call ids,
# session ids, cache keys) are compared by position, not by value.
#
#   scripts/request-parity.sh [provider...]     # default: mock-chat mock-anth mock-resp mock-gem
#
# Needs the reference (`../shared/tools/pi-ref.sh install`) and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${PI_SHARED_TOOLS:-$root/../shared/tools}"
ref_pkg="${PI_REF_DIR:-/tmp/pi-ref}/node_modules/@earendil-works/pi-coding-agent"
providers=("$@")
[ ${#providers[@]} -gt 0 ] || providers=(mock-chat mock-anth mock-resp mock-gem)

cargo build -q -p pi-coding-agent --bin pi --manifest-path "$root/Cargo.toml"
ours="$root/target/debug/pi"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
work="$scratch/project"

run() { # run <ref|ours> <provider>
  rm -rf "$work" && mkdir -p "$work"
  # Both point the system prompt's docs at the same installation.
  if [ "$1" = ref ]; then
    WORK="$work" PI_PACKAGE_DIR="$ref_pkg" "$tools/pi-ref.sh" run --provider "$2" --model tools-pi -p go >/dev/null 2>"$scratch/$1-$2.stderr" || true
  else
    WORK="$work" PI_PACKAGE_DIR="$ref_pkg" "$tools/pi-ref.sh" ours "$ours" --provider "$2" --model tools-pi -p go >/dev/null 2>"$scratch/$1-$2.stderr" || true
  fi
  cp "$work/requests.jsonl" "$scratch/$1-$2.jsonl"
}

status=0
for provider in "${providers[@]}"; do
  run ref "$provider"
  run ours "$provider"
  if python3 - "$scratch/ref-$provider.jsonl" "$scratch/ours-$provider.jsonl" <<'PY'
import json, re, sys

VOLATILE_KEYS = {"prompt_cache_key", "user_id", "session_id"}
ID = re.compile(r"^(call_|toolu_|fc_|msg_|resp_|rs_)[A-Za-z0-9_|-]+$")

def normalize(value, ids):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS else normalize(v, ids)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v, ids) for v in value]
    if isinstance(value, str):
        parts = value.split("|")
        if all(ID.match(p) for p in parts):
            return "|".join(ids.setdefault(p, f"<id{len(ids)}>") for p in parts)
    return value

def bodies(path):
    ids = {}
    return [normalize(json.loads(line)["body"], ids) for line in open(path)]

ref, ours = bodies(sys.argv[1]), bodies(sys.argv[2])
if len(ref) != len(ours):
    print(f"  request count differs: reference {len(ref)}, ours {len(ours)}")
for n, (a, b) in enumerate(zip(ref, ours)):
    if a != b:
        import difflib
        left = json.dumps(a, indent=1, sort_keys=True).splitlines()
        right = json.dumps(b, indent=1, sort_keys=True).splitlines()
        print(f"  request {n} differs:")
        print("\n".join(list(difflib.unified_diff(left, right, "reference", "ours", lineterm=""))[:80]))
        sys.exit(1)
sys.exit(0 if len(ref) == len(ours) else 1)
PY
  then
    echo "$provider: $(wc -l < "$scratch/ref-$provider.jsonl") requests, identical"
  else
    echo "$provider: DIFFERENT (stderr: $(head -c 300 "$scratch/ours-$provider.stderr"))"
    status=1
  fi
done
exit $status
