// Renders pi 0.87.1's footer component for fixed data at several widths and writes the
// lines (with their escape sequences) to footer-reference.json in the given directory.
// Each case carries the session entries, model, context usage and footer data it was
// rendered from, so the Rust tests can render the same footer and compare.
//
//   node scripts/reference/footer-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// The theme picks its colour mode from the terminal's capabilities, and chalk (bold) its
// level from the environment: fix both before anything is imported.
process.env.COLORTERM = "truecolor";
process.env.FORCE_COLOR = "3";
for (const key of ["TMUX", "TERM_PROGRAM", "PI_TRUE_COLOR", "PI_EXPERIMENTAL"]) delete process.env[key];

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const { initTheme, setTheme } = await import(`${dist}/modes/interactive/theme/theme.js`);
const { FooterComponent } = await import(`${dist}/modes/interactive/components/footer.js`);
initTheme("dark");

const outDir = resolve(process.argv[2]);

const usage = (input, output, cacheRead = 0, cacheWrite = 0, cost = 0) => ({
  input,
  output,
  cacheRead,
  cacheWrite,
  totalTokens: input + output + cacheRead + cacheWrite,
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: cost },
});
let nextId = 1;
const entry = (type, fields) => ({
  type,
  id: (nextId++).toString(16).padStart(8, "0"),
  parentId: null,
  timestamp: "2026-01-01T00:00:00.000Z",
  ...fields,
});
const assistant = (u) =>
  entry("message", {
    message: {
      role: "assistant",
      content: [{ type: "text", text: "ok" }],
      api: "anthropic-messages",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      usage: u,
      stopReason: "stop",
      timestamp: 1767225600000,
    },
  });
const user = () =>
  entry("message", { message: { role: "user", content: [{ type: "text", text: "hi" }], timestamp: 1767225600000 } });
const toolResult = (u) =>
  entry("message", {
    message: {
      role: "toolResult",
      toolCallId: "call_1",
      toolName: "bash",
      content: [{ type: "text", text: "done" }],
      isError: false,
      timestamp: 1767225600000,
      ...(u ? { usage: u } : {}),
    },
  });

const sonnet = { id: "claude-sonnet-4-5", provider: "anthropic", reasoning: true, contextWindow: 200000 };
const gpt = { id: "gpt-4o-mini", provider: "openai", reasoning: false, contextWindow: 128000 };
const kimi = { id: "kimi-for-coding", provider: "kimi-coding", reasoning: true, contextWindow: 262144 };

const entrySets = {};
const named = (name, entries) => {
  entrySets[name] = entries;
  return name;
};
const typicalEntries = named("typical", [
  user(),
  assistant(usage(12000, 800, 0, 9000, 0.0421)),
  toolResult(),
  assistant(usage(300, 1200, 9000, 250, 0.0187)),
  user(),
  assistant(usage(450, 2100, 9250, 400, 0.0311)),
]);
const base = {
  width: 100,
  cwd: "/home/user/projects/pi",
  home: "/home/user",
  gitBranch: "main",
  sessionName: null,
  entries: named("none", []),
  model: sonnet,
  thinkingLevel: "off",
  contextUsage: { contextWindow: 200000, percent: 0 },
  autoCompact: true,
  usingSubscription: false,
  providerCount: 1,
  statuses: [],
  experimental: false,
};
const cases = [];
const add = (name, overrides, widths = [base.width]) => {
  for (const width of widths) cases.push({ ...base, ...overrides, name: `${name}@${width}`, width });
};

add("fresh", {}, [80, 30]);
add("typical", { entries: typicalEntries, thinkingLevel: "medium", sessionName: "refactor footer",
  contextUsage: { contextWindow: 200000, percent: 12.3456 }, providerCount: 2 }, [140, 100, 80, 72, 60, 50, 45, 40, 30, 20, 12, 5, 1]);
add("warning", { entries: typicalEntries, contextUsage: { contextWindow: 200000, percent: 75.05 } }, [100]);
add("at-70", { contextUsage: { contextWindow: 200000, percent: 70 } }, [100]);
add("just-over-70", { contextUsage: { contextWindow: 200000, percent: 70.01 } }, [100]);
add("at-90", { contextUsage: { contextWindow: 200000, percent: 90 } }, [100]);
add("error", { contextUsage: { contextWindow: 1000000, percent: 95.55 } }, [100, 30]);
add("after-compaction", { entries: typicalEntries, contextUsage: { contextWindow: 200000, percent: null } }, [100]);
add("auto-off", { autoCompact: false, contextUsage: { contextWindow: 200000, percent: 3.14159 } }, [100]);
add("subscription", { usingSubscription: true }, [100]);
add("subscription-cost", { usingSubscription: true, entries: typicalEntries }, [100]);
add("kimi", { model: kimi, thinkingLevel: "high", contextUsage: { contextWindow: 262144, percent: 1 } }, [100]);
add("no-model", { model: null, contextUsage: undefined }, [100]);
add("no-usage-window", { model: gpt, contextUsage: undefined }, [100]);
add("non-reasoning", { model: gpt, contextUsage: { contextWindow: 128000, percent: 50 }, providerCount: 3 }, [100, 45]);
add("xhigh", { thinkingLevel: "xhigh", providerCount: 2 }, [100]);
add("max", { thinkingLevel: "max" }, [100]);
add("outside-home", { cwd: "/srv/work/pi", gitBranch: null }, [100]);
add("at-home", { cwd: "/home/user", gitBranch: null }, [100]);
add("home-prefix-sibling", { cwd: "/home/username/x" }, [100]);
add("no-home", { home: null }, [100]);
add("detached", { gitBranch: "detached" }, [100]);
add("long-cwd", {
  cwd: "/home/user/work/a/very/deeply/nested/directory/structure/that/goes/on/and/on/for/a/long/while",
  gitBranch: "feature/some-long-branch-name", sessionName: "a session with a long name" }, [100, 60, 20, 3]);
add("wide-name", { sessionName: "日本語のセッション名です", gitBranch: "機能" }, [100, 40, 33]);
add("statuses", { statuses: [["zeta", "last\tone"], ["alpha", "first\nline  two  "], ["Mid", " mid \r status "]] }, [100, 20]);
add("experimental", { experimental: true, entries: typicalEntries }, [100, 40]);
add("tool-and-summary-usage", { entries: named("tool-and-summary-usage", [
  user(),
  assistant(usage(100, 50, 0, 0, 0.001)),
  toolResult(usage(40, 10, 0, 0, 0.0004)),
  entry("usage", { kind: "cache_warm", provider: "anthropic", model: "claude-sonnet-4-5", usage: usage(0, 0, 0, 5000, 0.01) }),
  entry("compaction", { summary: "s", firstKeptEntryId: "00000001", tokensBefore: 1000, usage: usage(2000, 300, 0, 0, 0.02) }),
  entry("branch_summary", { fromId: "00000002", summary: "b", usage: usage(700, 90, 0, 0, 0.003) }),
]) }, [100]);
add("cache-hit-latest-zero-prompt", { entries: named("cache-hit-latest-zero-prompt", [
  assistant(usage(100, 50, 1000, 0, 0)),
  assistant(usage(0, 20, 0, 0, 0)),
]) }, [100]);
add("big-numbers", { entries: named("big-numbers", [
  assistant(usage(999, 1000, 9999, 10000, 0.0005)),
]) }, [100]);
add("bigger-numbers", { entries: named("bigger-numbers", [
  assistant(usage(999499, 999500, 1000000, 9949999, 1.2345)),
]) }, [100]);
add("huge-numbers", { entries: named("huge-numbers", [
  assistant(usage(9950000, 10000000, 123456789, 0, 12345.6789)),
]) }, [120]);
add("tiny-cost", { entries: named("tiny-cost", [assistant(usage(10, 5, 0, 0, 0.0004999))]) }, [100]);
add("half-cost", { entries: named("half-cost", [assistant(usage(10, 5, 0, 0, 0.0125))]) }, [100]);

const render = (c) => {
  process.env.HOME = c.home ?? "";
  delete process.env.USERPROFILE;
  if (c.experimental) process.env.PI_EXPERIMENTAL = "1";
  else delete process.env.PI_EXPERIMENTAL;
  const session = {
    state: { model: c.model ?? undefined, thinkingLevel: c.thinkingLevel },
    sessionManager: {
      getEntries: () => entrySets[c.entries],
      getCwd: () => c.cwd,
      getSessionName: () => c.sessionName ?? undefined,
    },
    getContextUsage: () => c.contextUsage,
    modelRuntime: { isUsingSubscription: () => c.usingSubscription },
    autoCompactionEnabled: c.autoCompact,
  };
  const footerData = {
    getGitBranch: () => c.gitBranch,
    getAvailableProviderCount: () => c.providerCount,
    getExtensionStatuses: () => new Map(c.statuses),
  };
  const footer = new FooterComponent(session, footerData);
  footer.setAutoCompactEnabled(c.autoCompact);
  return footer.render(c.width);
};

const results = cases.map((c) => ({ ...c, contextUsage: c.contextUsage ?? null, lines: render(c) }));
// One case in the light theme and with 256 colours, to show the footer takes its colours from it.
setTheme("light");
results.push({ ...results[1], name: `${results[1].name} light`, theme: "light", lines: render(results[1]) });
const lines = results.map((r) => `  ${JSON.stringify(r)}`).join(",\n");
writeFileSync(join(outDir, "footer-reference.json"), `{"entrySets": ${JSON.stringify(entrySets)},\n"cases": [\n${lines}\n]}\n`);
console.log(`wrote ${results.length} footers to ${join(outDir, "footer-reference.json")}`);
