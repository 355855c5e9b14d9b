// Drives pi 0.87.1's /trust selector with fixed data and key sequences, writing what it
// renders (escape sequences stripped, trailing blanks trimmed) and the selection it reports to
// trust-reference.json in the given directory, with the trust.json pi's trust store writes
// when each reported selection is saved over a fixed earlier file. The directories do not exist, so their paths
// are taken as given.
//
//   node scripts/reference/trust-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const base = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/modes/interactive`;
const { initTheme } = await import(base + "/theme/theme.js");
initTheme("dark", false);
const { setKeybindings } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/index.js`);
const { KeybindingsManager } = await import(`${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/core/keybindings.js`);
setKeybindings(new KeybindingsManager({}));
const { TrustSelectorComponent } = await import(base + "/components/trust-selector.js");
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "").replace(/\x1b_pi:c\x07/g, "");

const cwd = "/nonexistent-pi-trust/work/projects/web-app";
const up = "\u001b[A", down = "\u001b[B";
const scenarios = [
  { name: "none", cwd, saved: null, trusted: false, keys: [] },
  { name: "saved-here", cwd, saved: { path: cwd, decision: true }, trusted: true, keys: [] },
  { name: "saved-parent", cwd, saved: { path: "/nonexistent-pi-trust/work/projects", decision: true }, trusted: true, keys: [] },
  { name: "inherited", cwd, saved: { path: "/nonexistent-pi-trust/work", decision: false }, trusted: false, keys: [] },
  { name: "untrusted-here", cwd, saved: { path: cwd, decision: false }, trusted: false, keys: [] },
  { name: "navigate", cwd, saved: null, trusted: false, keys: [down, down, down, up] },
  { name: "vim-keys", cwd, saved: null, trusted: false, keys: ["j", "j", "k"] },
  { name: "pick-parent", cwd, saved: null, trusted: false, keys: [down, "\r"] },
  { name: "pick-untrusted", cwd, saved: { path: cwd, decision: true }, trusted: true, keys: [down, down, "\n"] },
  { name: "cancel", cwd, saved: null, trusted: false, keys: [down, "\u001b"] },
  { name: "root", cwd: "/", saved: null, trusted: true, keys: [down, "\r"] },
];
const result = [];
for (const sc of scenarios) {
  const events = [];
  const c = new TrustSelectorComponent({
    cwd: sc.cwd,
    savedDecision: sc.saved,
    projectTrusted: sc.trusted,
    onSelect: (selection) => events.push(["select", selection]),
    onCancel: () => events.push(["cancel"]),
  });
  for (const k of sc.keys) c.handleInput(k);
  const screens = {};
  for (const w of [80, 40]) screens[w] = c.render(w).map((l) => strip(l).trimEnd());
  result.push({ ...sc, screens, events });
}
// Each selection saved by pi's own store over the same earlier trust.json.
const { ProjectTrustStore } = await import(`${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/core/trust-manager.js`);
const before = `{\n  "/nonexistent-pi-trust/work/projects/web-app": true,\n  "/nonexistent-pi-trust/zeta": false,\n  "/nonexistent-pi-trust/Éclair": true,\n  "/nonexistent-pi-trust/alpha": null\n}\n`;
for (const sc of result) {
  const selected = sc.events.find((e) => e[0] === "select");
  if (!selected) continue;
  const agentDir = mkdtempSync(join(tmpdir(), "pi-trust-record-"));
  writeFileSync(join(agentDir, "trust.json"), before);
  new ProjectTrustStore(agentDir).setMany(selected[1].updates);
  sc.write = { before, after: readFileSync(join(agentDir, "trust.json"), "utf-8") };
  rmSync(agentDir, { recursive: true });
}
const out = resolve(process.argv[2] ?? ".");
writeFileSync(join(out, "trust-reference.json"), `${JSON.stringify(result, null, 2)}\n`);
