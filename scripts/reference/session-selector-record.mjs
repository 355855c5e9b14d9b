// Renders pi 0.87.1's session picker for fixed sessions and key presses at two widths and
// writes the lines (with their escape sequences) to session-selector-reference.json in the
// given directory. Each case carries the sessions (ages in minutes before rendering), the
// keys pressed and the current session, so the Rust tests can build the same picker.
//
//   node scripts/reference/session-selector-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

process.env.COLORTERM = "truecolor";
process.env.FORCE_COLOR = "3";
process.env.HOME = "/home/u";
for (const key of ["TMUX", "TERM_PROGRAM", "PI_TRUE_COLOR", "PI_EXPERIMENTAL"]) delete process.env[key];

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const tui = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/index.js`);
const { initTheme } = await import(`${dist}/modes/interactive/theme/theme.js`);
const { KeybindingsManager } = await import(`${dist}/core/keybindings.js`);
const { SessionSelectorComponent } = await import(`${dist}/modes/interactive/components/session-selector.js`);
initTheme("dark");
const keybindings = KeybindingsManager.create();
tui.setKeybindings(keybindings);

const outDir = resolve(process.argv[2]);
const dir = "/home/u/.pi/agent/sessions/--home-u-project--";
const session = (file, cwd, minutesAgo, messageCount, firstMessage, extra = {}) => ({
  path: `${dir}/${file}.jsonl`,
  id: file,
  cwd,
  name: undefined,
  parentSessionPath: undefined,
  minutesAgo,
  messageCount,
  firstMessage,
  allMessagesText: firstMessage,
  ...extra,
});
const current = [
  session("bench", "/home/u/project", 5, 2, "measure startup time"),
  session("auth", "/home/u/project", 180, 2, "fix the login bug in auth.rs"),
  session("fork", "/home/u/project", 30, 2, "try the token refresh instead", {
    parentSessionPath: `${dir}/auth.jsonl`,
  }),
  session("docs", "/home/u/project", 2 * 24 * 60, 4, "write the README\nnow", { name: "Docs pass" }),
  session("old", "/home/u/project", 400 * 24 * 60, 12, "a very long first message that will not fit in a narrow terminal at all"),
];
const all = [...current, session("other", "/home/u/elsewhere", 10, 2, "deploy the website")];
const sorted = (list) => [...list].sort((a, b) => a.minutesAgo - b.minutesAgo);

const cases = [
  { name: "current", keys: [] },
  { name: "all", keys: ["\t"] },
  { name: "moved down", keys: ["\x1b[B", "\x1b[B"] },
  { name: "recent", keys: ["\x13"] },
  { name: "fuzzy with query", keys: ["\x13", "\x13", "l", "o", "g", "i", "n"] },
  { name: "named", keys: ["\x0e"] },
  { name: "named, nothing", keys: ["\x0e", "z", "z"] },
  { name: "nothing in folder", keys: ["z", "z", "z", "q"] },
  { name: "paths", keys: ["\x10"] },
  { name: "delete question", keys: ["\x1b[B", "\x04"] },
  { name: "current not deleted", keys: ["\x04"] },
  { name: "rename", keys: ["\x1b[B", "\x1b[B", "\x1b[B", "\x12"] },
];
const widths = [80, 48];
const out = { home: "/home/u", current: sorted(current), all: sorted(all), currentSession: `${dir}/bench.jsonl`, cases: [] };
const tick = () => new Promise((r) => setTimeout(r, 5));
for (const c of cases) {
  const now = Date.now();
  const toInfo = (s) => ({ ...s, created: new Date(now - s.minutesAgo * 60000), modified: new Date(now - s.minutesAgo * 60000) });
  const selector = new SessionSelectorComponent(
    async () => out.current.map(toInfo),
    async () => out.all.map(toInfo),
    () => {},
    () => {},
    () => {},
    () => {},
    { renameSession: async () => {}, showRenameHint: true, keybindings },
    out.currentSession,
  );
  await tick();
  for (const k of c.keys) {
    selector.handleInput(k);
    await tick();
  }
  const renders = {};
  for (const w of widths) renders[w] = selector.render(w);
  out.cases.push({ ...c, renders });
}
writeFileSync(join(outDir, "session-selector-reference.json"), `${JSON.stringify(out, null, 1)}\n`);
