// Renders pi 0.87.1's session tree selector (`/tree`) and its "Summarize branch?" question
// for a fixed branched session at two widths and after key presses, and writes the lines
// (escape sequences included) to tree-reference.json in the given directory, with the
// session entries and keys they came from, so the Rust tests can replay them and compare.
//
//   node scripts/reference/tree-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

process.env.COLORTERM = "truecolor";
process.env.FORCE_COLOR = "3";
process.env.HOME = "/home/tester";
for (const key of ["TMUX", "TERM_PROGRAM", "PI_TRUE_COLOR", "PI_EXPERIMENTAL"]) delete process.env[key];

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const { initTheme } = await import(`${dist}/modes/interactive/theme/theme.js`);
const { TreeSelectorComponent } = await import(`${dist}/modes/interactive/components/tree-selector.js`);
const { ExtensionSelectorComponent } = await import(`${dist}/modes/interactive/components/extension-selector.js`);
const { KeybindingsManager } = await import(`${dist}/core/keybindings.js`);
const { setKeybindings } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/index.js`);
const { SessionManager } = await import(`${dist}/core/session-manager.js`);
initTheme("dark");
setKeybindings(new KeybindingsManager({}));

const outDir = resolve(process.argv[2]);

let n = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const ms = () => Date.UTC(2026, 0, 1, 0, 0, n);
const entry = (parentId, type, fields) => {
  n += 1;
  return { type, id: n.toString(16).padStart(8, "0"), parentId, timestamp: at(), ...fields };
};
const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, totalTokens: 15, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } };
const user = (parent, text) => entry(parent, "message", { message: { role: "user", content: [{ type: "text", text }], timestamp: ms() } });
const assistant = (parent, content, extra = {}) =>
  entry(parent, "message", {
    message: { role: "assistant", content, api: "anthropic-messages", provider: "anthropic", model: "claude-sonnet-4-5", usage, stopReason: "stop", timestamp: ms(), ...extra },
  });
const call = (id, name, args) => ({ type: "toolCall", id, name, arguments: args });
const result = (parent, toolCallId, toolName, text) =>
  entry(parent, "message", { message: { role: "toolResult", toolCallId, toolName, content: [{ type: "text", text }], isError: false, timestamp: ms() } });
const id = (e) => e.id;

const entries = [];
const add = (e) => (entries.push(e), e);
const root = add(user(null, "Fix the failing test in src/lib.rs"));
const a1 = add(assistant(id(root), [{ type: "text", text: "Let me look at the test first." }, call("c1", "read", { path: "/home/tester/demo/src/lib.rs", offset: 10, limit: 20 })], { stopReason: "toolUse" }));
const r1 = add(result(id(a1), "c1", "read", "fn main() {}"));
const a2 = add(assistant(id(r1), [call("c2", "bash", { command: "cargo test --quiet 2>&1 | tail -n 40\nand then something rather long to cut" })], { stopReason: "toolUse" }));
const r2 = add(result(id(a2), "c2", "bash", "1 failed"));
const a3 = add(assistant(id(r2), [{ type: "text", text: "The assertion compares the wrong field;\nfixed." }]));
const mc = add(entry(id(a3), "model_change", { provider: "openai", modelId: "gpt-5" }));
const u2 = add(user(id(mc), "Now add a regression test"));
const a4 = add(assistant(id(u2), [{ type: "text", text: "Added tests/regression.rs." }]));
add(entry(id(a4), "label", { targetId: id(u2), label: "regression" }));
const bs = add(entry(id(a3), "branch_summary", { fromId: id(a4), summary: "Tried adding a regression test\nthen left." }));
const u3 = add(user(id(bs), "Instead, refactor the parser\twith two\nlines"));
const a5 = add(assistant(id(u3), [call("c3", "grep", { pattern: "fn parse", path: "src" }), call("c4", "my_tool", { query: "something fairly long to be cut off", n: 3 })], { stopReason: "toolUse" }));
const r3 = add(result(id(a5), "c3", "grep", "src/parse.rs:1"));
const r4 = add(result(id(r3), "c4", "my_tool", "ok"));
const a6 = add(assistant(id(r4), [], { stopReason: "error", errorMessage: "429 rate limited:\ntry again later" }));
const cp = add(entry(id(a6), "compaction", { summary: "Earlier work on the parser.", firstKeptEntryId: id(u3), tokensBefore: 12500 }));
const u4 = add(user(id(cp), "Continue"));
const leaf = add(assistant(id(u4), [{ type: "text", text: "Done. The parser is refactored and every test passes now, including the slow ones." }]));
const u5 = add(user(id(root), "Explain the error instead"));
const cm = add(entry(id(u5), "custom_message", { customType: "note", content: "remember this", display: true }));
const bx = add(entry(id(cm), "message", { message: { role: "bashExecution", command: "ls -la", output: "x", exitCode: 0, cancelled: false, truncated: false, timestamp: ms() } }));
const tl = add(entry(id(bx), "thinking_level_change", { thinkingLevel: "high" }));
add(entry(id(tl), "session_info", { name: "tree demo" }));
const ab = add(assistant(id(u5), [], { stopReason: "aborted" }));
add(entry(id(ab), "custom", { customType: "state", data: { a: 1 } }));

const header = { type: "session", version: 3, id: "tree-demo", timestamp: at(), cwd: "/home/tester/demo" };
const manager = SessionManager.inMemory("/home/tester/demo");
// Load the entries the way a session file is read.
manager.fileEntries = [header, ...entries];
manager._buildIndex();
manager.leafId = id(leaf);

const cases = [];
const record = (name, { width, rows = 40, keys = [], initialSelectedId, filter }) => {
  const tree = manager.getTree();
  const selector = new TreeSelectorComponent(tree, manager.getLeafId(), rows, () => {}, () => {}, () => {}, initialSelectedId, filter);
  for (const key of keys) selector.handleInput(key);
  cases.push({ name, width, rows, keys, initialSelectedId: initialSelectedId ?? null, filter: filter ?? null, lines: selector.render(width) });
};
for (const width of [80, 40]) {
  record(`default@${width}`, { width });
  record(`all@${width}`, { width, keys: ["\x01"] });
  record(`no-tools@${width}`, { width, keys: ["\x14"] });
  record(`user-only@${width}`, { width, keys: ["\x15"] });
  record(`labeled-only@${width}`, { width, keys: ["\x0c"] });
  record(`cycle-back@${width}`, { width, keys: ["\x1b[111;6u"] });
  record(`search@${width}`, { width, keys: [..."refactor parser"] });
  record(`search-none@${width}`, { width, keys: [..."zzz"] });
  record(`fold@${width}`, { width, keys: ["\x1b[1;5D", "\x1b[1;5D", "\x1b[1;5D"] });
  record(`fold-unfold@${width}`, { width, keys: ["\x1b[1;5D", "\x1b[1;5D", "\x1b[1;5D", "\x1b[1;5C"] });
  record(`nav@${width}`, { width, keys: ["\x1b[A", "\x1b[A", "\x1b[1;5D", "\x1b[B"] });
  record(`label-edit@${width}`, { width, keys: ["\x1b[A", "L", ..."x"] });
  record(`scrolled@${width}`, { width, rows: 10, keys: ["\x01", "\x1b[A", "\x1b[A"] });
  record(`initial@${width}`, { width, initialSelectedId: id(u2), filter: "user-only" });
}
record(`narrow@24`, { width: 24, keys: ["\x01"] });

const prompts = [];
for (const width of [80, 40]) {
  for (const keys of [[], ["\x1b[B"], ["\x1b[B", "\x1b[B", "\x1b[B"]]) {
    const selector = new ExtensionSelectorComponent("Summarize branch?", ["No summary", "Summarize", "Summarize with custom prompt"], () => {}, () => {});
    for (const key of keys) selector.handleInput(key);
    prompts.push({ width, keys, lines: selector.render(width) });
  }
}

const out = { home: process.env.HOME, leafId: id(leaf), entries: [header, ...entries], cases, prompts };
writeFileSync(join(outDir, "tree-reference.json"), `${JSON.stringify(out, null, 1)}\n`);
