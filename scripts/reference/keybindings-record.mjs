// Records pi 0.87.1's keybindings: every action id with its default keys on Linux, macOS,
// Windows and WSL, what its startup migration makes of legacy keybindings.json files, which
// user bindings it keeps, the bindings in effect and the conflicts it finds. Writes
// keybindings-reference.json into the given directory.
//
//   node scripts/reference/keybindings-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const outDir = resolve(process.argv[2]);
const realPlatform = process.platform;

// The defaults depend on the platform, read when the module loads: load one copy per platform.
const platforms = { linux: ["linux", {}], darwin: ["darwin", {}], win32: ["win32", {}], wsl: ["linux", { WSL_DISTRO_NAME: "Ubuntu" }] };
const defaults = {};
let linuxModule;
for (const [name, [platform, env]] of Object.entries(platforms)) {
  Object.defineProperty(process, "platform", { value: platform });
  delete process.env.WSL_DISTRO_NAME;
  delete process.env.WSL_INTEROP;
  Object.assign(process.env, env);
  const module = await import(`${dist}/core/keybindings.js?platform=${name}`);
  if (name === "linux") linuxModule = module;
  defaults[name] = Object.entries(module.KEYBINDINGS).map(([id, def]) => ({
    id,
    keys: def.defaultKeys === undefined ? [] : Array.isArray(def.defaultKeys) ? def.defaultKeys : [def.defaultKeys],
    description: def.description,
  }));
}
Object.defineProperty(process, "platform", { value: realPlatform });
delete process.env.WSL_DISTRO_NAME;
const { KeybindingsManager, migrateKeybindingsConfig } = linuxModule;

const configs = [
  ["empty", {}],
  ["namespaced", { "app.model.select": "ctrl+k", "tui.input.submit": ["enter", "ctrl+s"] }],
  ["legacy", { selectModel: "ctrl+k", cursorUp: ["up", "ctrl+p"], interrupt: "escape", submit: "enter" }],
  ["legacy-and-new", { expandTools: "ctrl+e", "app.tools.expand": "ctrl+o", tree: "ctrl+shift+t" }],
  ["unknown-and-extras", { zeta: "f1", "app.session.new": "ctrl+n", alpha: "f2", newSession: "ctrl+shift+n" }],
  ["bad-values", { "app.clear": 5, "app.exit": ["ctrl+d", 3], "app.suspend": null, "app.thinking.cycle": [], cycleModelForward: true }],
  ["order", { "app.session.resume": "f5", "tui.select.cancel": "escape", "app.interrupt": "ctrl+c" }],
  ["conflicts", { "app.model.select": "ctrl+k", "app.tools.expand": "ctrl+k", "tui.editor.deleteToLineEnd": "ctrl+k",
    "app.thinking.toggle": ["f2", "f2"], "app.session.new": "f2" }],
  ["invalid-keys", { "app.model.select": "ctrl+nothing", "app.tools.expand": ["ctrl+o", "hyper+x", ""], "app.unknown.action": "f1" }],
];
const dir = mkdtempSync(join(tmpdir(), "pi-keybindings-"));
const cases = configs.map(([name, raw]) => {
  const migration = migrateKeybindingsConfig(raw);
  // What startup writes back (only when something was migrated).
  const path = join(dir, `${name}.json`);
  const text = JSON.stringify(raw);
  writeFileSync(path, text);
  const kept = KeybindingsManager.loadFromFile(path);
  const manager = new KeybindingsManager(kept);
  return {
    name,
    raw,
    migrated: migration.migrated,
    migratedConfig: migration.config,
    rewritten: migration.migrated ? `${JSON.stringify(migration.config, null, 2)}\n` : null,
    userBindings: kept,
    effective: manager.getEffectiveConfig(),
    conflicts: manager.getConflicts(),
  };
});
// Files the loader ignores as a whole.
const whole = [["not-json", "{ nope"], ["array", "[1, 2]"], ["string", "\"x\""], ["bom", "\ufeff{\"app.clear\": \"ctrl+q\"}"]].map(
  ([name, text]) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, text);
    return { name, text, userBindings: KeybindingsManager.loadFromFile(path) };
  },
);

const block = (items) => `[\n${items.map((item) => `  ${JSON.stringify(item)}`).join(",\n")}\n ]`;
const platformLines = Object.entries(defaults).map(([name, list]) => `  ${JSON.stringify(name)}: ${block(list)}`);
writeFileSync(
  join(outDir, "keybindings-reference.json"),
  `{"defaults": {\n${platformLines.join(",\n")}\n },\n"cases": ${block(cases)},\n"whole": ${block(whole)}\n}\n`,
);
console.log(`wrote ${join(outDir, "keybindings-reference.json")}`);
