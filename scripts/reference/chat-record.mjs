// Renders pi 0.87.1's chat components (user and assistant messages, summaries, custom
// messages, tool executions per built-in tool, bash executions) for fixed data at a few
// widths and writes their lines, escape sequences included, to chat-reference.json in the
// given directory. Each case carries the data it was rendered from, so the Rust tests can
// render the same component and compare.
//
//   node scripts/reference/chat-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

process.env.COLORTERM = "truecolor";
process.env.FORCE_COLOR = "3";
process.env.HOME = "/home/user";
for (const key of ["TMUX", "TERM_PROGRAM", "PI_TRUE_COLOR", "PI_EXPERIMENTAL", "KITTY_WINDOW_ID", "WEZTERM_PANE", "ITERM_SESSION_ID", "GHOSTTY_RESOURCES_DIR"]) delete process.env[key];
process.env.TERM = "xterm-256color";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const { initTheme } = await import(`${dist}/modes/interactive/theme/theme.js`);
const comp = `${dist}/modes/interactive/components`;
const { UserMessageComponent } = await import(`${comp}/user-message.js`);
const { AssistantMessageComponent } = await import(`${comp}/assistant-message.js`);
const { CompactionSummaryMessageComponent } = await import(`${comp}/compaction-summary-message.js`);
const { BranchSummaryMessageComponent } = await import(`${comp}/branch-summary-message.js`);
const { CustomMessageComponent } = await import(`${comp}/custom-message.js`);
const { ToolExecutionComponent } = await import(`${comp}/tool-execution.js`);
const { BashExecutionComponent } = await import(`${comp}/bash-execution.js`);
const { withBuiltInRenderers } = await import(`${dist}/core/tools/renderers/index.js`);
const { createToolDefinition, allToolNames } = await import(`${dist}/core/tools/index.js`);
const { setCapabilities } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/terminal-image.js`).catch(() => ({}));
const { KeybindingsManager } = await import(`${dist}/core/keybindings.js`);
const { setKeybindings } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/keybindings.js`);
initTheme("dark");
// The default bindings (an agent directory without keybindings.json), as hints name them.
setKeybindings(KeybindingsManager.create("/nonexistent-pi-agent-dir"));
if (setCapabilities) setCapabilities({ images: null, trueColor: true, hyperlinks: false });

const outDir = resolve(process.argv[2]);
const ui = { requestRender() {} };
const cwd = "/home/user/project";
const widths = [80, 40];
const cases = [];
const add = (kind, name, data, make) => {
  for (const width of data.widths ?? widths) {
    const component = make();
    cases.push({ kind, name: `${name}@${width}`, width, data, lines: component.render(width) });
    component.stop?.();
  }
};

const assistant = (content, stopReason = "stop", errorMessage) => ({
  role: "assistant", content, api: "anthropic-messages", provider: "anthropic", model: "m",
  usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } },
  stopReason, timestamp: 0, ...(errorMessage ? { errorMessage } : {}),
});

// User messages.
for (const [name, text] of [
  ["plain", "Please fix the failing test in src/lib.rs"],
  ["styled", "Use **bold**, `code` and *emphasis* here, then a list:\n\n- one\n- two"],
  ["long", "A long request that keeps going and going so that it has to wrap across several lines of the terminal at narrow widths."],
]) add("user", name, { text }, () => new UserMessageComponent(text));

// Assistant messages.
const assistants = {
  text: assistant([{ type: "text", text: "Here is the plan:\n\n1. Read the file\n2. Fix the bug\n\nDone with `cargo test`." }]),
  thinking: assistant([{ type: "thinking", thinking: "Let me think about **this**." }, { type: "text", text: "The answer is 42." }]),
  "thinking-only": assistant([{ type: "thinking", thinking: "Only thoughts." }, { type: "thinking", thinking: "More thoughts." }]),
  "with-tool-call": assistant([{ type: "text", text: "Reading it." }, { type: "toolCall", id: "c1", name: "read", arguments: { path: "a.txt" } }], "toolUse"),
  error: assistant([{ type: "text", text: "Partial" }], "error", "429 rate limited"),
  "error-empty": assistant([], "error"),
  aborted: assistant([], "aborted", "Request was aborted"),
  "aborted-custom": assistant([], "aborted", "Stopped by user"),
  length: assistant([{ type: "text", text: "Cut off" }], "length"),
};
for (const [name, message] of Object.entries(assistants)) {
  add("assistant", name, { message, hideThinking: false }, () => new AssistantMessageComponent(message, false));
}
add("assistant", "thinking-hidden", { message: assistants.thinking, hideThinking: true }, () => new AssistantMessageComponent(assistants.thinking, true));

// Summaries and custom messages.
for (const expanded of [false, true]) {
  const compaction = { role: "compactionSummary", summary: "## Goal\nFix the **parser**.", tokensBefore: 123456, timestamp: 0 };
  add("compaction", expanded ? "expanded" : "collapsed", { message: compaction, expanded }, () => {
    const c = new CompactionSummaryMessageComponent(compaction);
    c.setExpanded(expanded);
    return c;
  });
  const branch = { role: "branchSummary", summary: "Tried the *other* approach.", fromId: "abc", timestamp: 0 };
  add("branch", expanded ? "expanded" : "collapsed", { message: branch, expanded }, () => {
    const c = new BranchSummaryMessageComponent(branch);
    c.setExpanded(expanded);
    return c;
  });
}
const custom = { role: "custom", customType: "note", content: "An extension says **hello**.", display: true, timestamp: 0 };
add("custom", "note", { message: custom }, () => new CustomMessageComponent(custom));

// Tool executions.
const text = (t) => [{ type: "text", text: t }];
const lines = (n, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join("\n");
const tools = [
  ["read-pending", "read", { path: "notes.txt", offset: 5, limit: 10 }, null],
  ["read-done", "read", { path: "/home/user/project/notes.txt" }, { content: text(lines(15)), isError: false }],
  ["read-error", "read", { path: "missing.txt" }, { content: text("ENOENT: no such file or directory"), isError: true }],
  ["bash-pending", "bash", { command: "ls -la", timeout: 30 }, null],
  ["bash-short", "bash", { command: "echo hi" }, { content: text("hi"), isError: false }],
  ["bash-long", "bash", { command: "seq 12" }, { content: text(lines(12, "n")), isError: false }],
  ["bash-error", "bash", { command: "false" }, { content: text("exit code 1"), isError: true }],
  ["bash-truncated", "bash", { command: "big" }, { content: text("tail\n\n[Showing lines 1-2. Full output: /tmp/pi-bash-1.log]"), details: { truncation: { truncated: true, truncatedBy: "lines", outputLines: 2, totalLines: 5000 }, fullOutputPath: "/tmp/pi-bash-1.log" }, isError: false }],
  ["write", "write", { path: "out.txt", content: lines(14, "row") + "\n" }, { content: text("Wrote"), isError: false }],
  ["write-error", "write", { path: "out.txt", content: "x" }, { content: text("EACCES"), isError: true }],
  ["grep", "grep", { pattern: "TODO", path: "src", glob: "*.rs", limit: 50 }, { content: text(lines(18, "src/a.rs:1: TODO")), details: { matchLimitReached: 50, linesTruncated: true }, isError: false }],
  ["find", "find", { pattern: "*.md" }, { content: text("README.md\ndocs/a.md"), details: { truncation: { truncated: true, maxBytes: 51200 } }, isError: false }],
  ["ls", "ls", { path: "/home/user/project", limit: 3 }, { content: text("a\nb\nc"), details: { entryLimitReached: 3 }, isError: false }],
  ["ls-empty-path", "ls", {}, { content: text("x"), isError: false }],
  ["edit", "edit", { path: "src/main.rs", edits: [{ oldText: "a", newText: "b" }] }, { content: text("Successfully replaced 1 block(s) in src/main.rs."), details: { diff: "   1 fn main() {\n-  2     let x = 1;\n+  2     let x = 2;\n   3 }", firstChangedLine: 2 }, isError: false }],
  ["edit-error", "edit", { path: "src/main.rs", edits: [] }, { content: text("Could not find the text"), isError: true }],
  ["custom-tool", "deploy", { target: "prod", force: true }, { content: text("deployed"), isError: false }],
];
for (const [name, tool, args, result] of tools) {
  for (const expanded of tool === "read" || tool === "bash" ? [false, true] : [false]) {
    const data = { tool, args, result, expanded };
    add("tool", `${name}${expanded ? "-expanded" : ""}`, data, () => {
      // As the chat screen does: the session's definition of the tool (edit draws its own
      // frame) with the built-in renderers.
      const own = allToolNames.has(tool) ? createToolDefinition(tool, cwd) : undefined;
      const definition = withBuiltInRenderers(tool, own);
      const c = new ToolExecutionComponent(tool, "call_1", args, { showImages: false }, definition, ui, cwd);
      c.setArgsComplete();
      if (expanded) c.setExpanded(true);
      if (result) c.updateResult({ content: result.content, details: result.details, isError: result.isError }, false);
      return c;
    });
  }
}

// User bash executions.
const bashRuns = [
  ["done", { command: "echo hi", output: "hi\n", exitCode: 0 }],
  ["failed", { command: "false", output: "", exitCode: 1 }],
  ["cancelled", { command: "sleep 9", output: "partial", exitCode: null, cancelled: true }],
  ["excluded", { command: "ls", output: "a\nb", exitCode: 0, exclude: true }],
  ["long", { command: "seq 30", output: lines(30, "n"), exitCode: 0 }],
  ["long-expanded", { command: "seq 30", output: lines(30, "n"), exitCode: 0, expanded: true }],
];
for (const [name, run] of bashRuns) {
  add("bashExecution", name, run, () => {
    const c = new BashExecutionComponent(run.command, ui, run.exclude ?? false);
    c.appendOutput(run.output);
    c.setComplete(run.exitCode ?? undefined, run.cancelled ?? false);
    if (run.expanded) c.setExpanded(true);
    return c;
  });
}

const out = cases.map((c) => `  ${JSON.stringify(c)}`).join(",\n");
writeFileSync(join(outDir, "chat-reference.json"), `[\n${out}\n]\n`);
console.log(`wrote ${cases.length} renderings to ${join(outDir, "chat-reference.json")}`);
process.exit(0);
