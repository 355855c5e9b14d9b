// Drives pi 0.87.1's /settings (with its per-model thinking submenu), /scoped-models and /thinking components with fixed data and
// key sequences, and ranks the built-in catalog with its /model search, writing what they
// render (escape sequences stripped, trailing blanks trimmed) and report to
// selectors-reference.json in the given directory.
//
//   node scripts/reference/selectors-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const base = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/modes/interactive`;
const { initTheme } = await import(base+"/theme/theme.js");
initTheme("dark", false);
const { setKeybindings } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/index.js`);
const { KeybindingsManager } = await import(`${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/core/keybindings.js`);
setKeybindings(new KeybindingsManager({}));
const { SettingsSelectorComponent } = await import(base+"/components/settings-selector.js");
const { ScopedModelsSelectorComponent } = await import(base+"/components/scoped-models-selector.js");
const { ThinkingSelectorComponent } = await import(base+"/components/thinking-selector.js");
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "").replace(/\x1b_pi:c\x07/g, "");
const cfg = {
  autoCompact: true, defaultModel: "not set", currentModel: undefined, availableDefaultModels: [],
  showImages: true, imageWidthCells: 60, autoResizeImages: true, blockImages: false, enableSkillCommands: true,
  steeringMode: "one-at-a-time", followUpMode: "one-at-a-time", transport: "sse", httpIdleTimeoutMs: 300000,
  cacheWarmingMode: "off", thinkingLevel: "medium", availableThinkingLevels: ["off","minimal","low","medium","high","xhigh"],
  modelThinkingLevels: {}, currentTheme: "dark", availableThemes: ["dark","light"], terminalTheme: "dark",
  hideThinkingBlock: false, mermaidRenderingMode: "final", showCacheMissNotices: false, collapseChangelog: false,
  quietStartup: false, enableInstallTelemetry: true, defaultProjectTrust: "ask", doubleEscapeAction: "tree",
  treeFilterMode: "default", warnings: {}, tuiMode: "regular", fullscreenExitOutput: "transcript",
  fullscreenScrollbar: "auto", fullscreenCopyOnSelect: true, showHardwareCursor: false, editorPaddingX: 0,
  outputPad: 1, autocompleteMaxVisible: 5, clearOnShrink: false, showTerminalProgress: false,
};
const m = (provider, id, name) => ({ provider, id, name });
const models = [m("anthropic","claude-sonnet-4-5","Claude Sonnet 4.5"), m("anthropic","claude-opus-4-1","Claude Opus 4.1"),
  m("openai","gpt-5","GPT-5"), m("openai","gpt-5-mini","GPT-5 mini"), m("google","gemini-2.5-pro","Gemini 2.5 Pro"),
  m("google","gemini-2.5-flash","Gemini 2.5 Flash"), m("openrouter","x-ai/grok-4","Grok 4"), m("openai","gpt-4.1","GPT-4.1"),
  m("google","gemini-2.0-flash","Gemini 2.0 Flash"), m("anthropic","claude-haiku-4-5","Claude Haiku 4.5")];
// The per-model thinking submenu's models: reasoning ones with and without xhigh/max, one
// with minimal unsupported, and plain ones.
const r = (provider, id, thinkingLevelMap) => ({ provider, id, name: id, reasoning: true, thinkingLevelMap });
const thinkingModels = [m("openai","gpt-4.1","GPT-4.1"), r("openai","gpt-5",{ minimal: null, xhigh: "xhigh" }),
  r("anthropic","claude-sonnet-4-5"), r("google","gemini-2.5-pro",{ xhigh: "high", max: "max" }),
  r("anthropic","claude-opus-4-1"), m("openrouter","x-ai/grok-4","Grok 4"), r("google","gemini-2.5-flash")];
const thinkingCfg = { ...cfg, availableDefaultModels: thinkingModels, currentModel: thinkingModels[2],
  defaultModel: "google/gemini-2.5-pro", thinkingLevel: "low",
  modelThinkingLevels: { "openai/gpt-5": "high", "gone/old-model": "low" } };
const settingsCallbacks = (events) => new Proxy({}, { get: (_, k) => (...a) => events.push([k, ...a]) });
const make = {
  settings: (events) => new SettingsSelectorComponent(cfg, settingsCallbacks(events)),
  settingsModels: (events) => new SettingsSelectorComponent(structuredClone(thinkingCfg), settingsCallbacks(events)),
  scoped: (events) => new ScopedModelsSelectorComponent({ allModels: models, enabledModelIds: ["openai/gpt-5", "anthropic/claude-opus-4-1", "gone/old-model"] },
     { onChange: (ids) => events.push(["change", ids]), onPersist: (ids) => events.push(["persist", ids]), onCancel: () => events.push(["cancel"]) }),
  scopedAll: (events) => new ScopedModelsSelectorComponent({ allModels: models, enabledModelIds: null },
     { onChange: (ids) => events.push(["change", ids]), onPersist: (ids) => events.push(["persist", ids]), onCancel: () => events.push(["cancel"]) }),
  thinking: (events) => new ThinkingSelectorComponent("medium", ["off","minimal","low","medium","high","xhigh"],
     (l) => events.push(["select", l]), () => events.push(["cancel"]), (l) => events.push(["default", l]), "high"),
};
const scenarios = [
 {"name":"settings-initial","component":"settings","keys":[]},
 {"name":"settings-cycle","component":"settings","keys":[" ","\u001b[B","\r","\r","\u001b[A","\u001b[A"]},
 {"name":"settings-search","component":"settings","keys":["t","i","m","e"]},
 {"name":"settings-trust","component":"settings","keys":["t","r","u","s","t","\r","\r"]},
 {"name":"settings-theme-menu","component":"settings","keys":["t","h","e","m","e","\r","\u001b[B"]},
 {"name":"settings-theme-pick","component":"settings","keys":["t","h","e","m","e","\r","\u001b[B","\r"]},
 {"name":"settings-theme-automatic","component":"settings","keys":["t","h","e","m","e","\r","\u001b[A","\r"]},
 {"name":"settings-theme-automatic-light","component":"settings","keys":["t","h","e","m","e","\r","\u001b[A","\r","\r","\u001b[B","\r","\u001b[B","\u001b[B","\r"]},
 {"name":"settings-theme-cancel","component":"settings","keys":["t","h","e","m","e","\r","\u001b[B","\u001b"]},
 {"name":"settings-warnings","component":"settings","keys":["w","a","r","n","\r","\r"]},
 {"name":"settings-warnings-back","component":"settings","keys":["w","a","r","n","\r","\r","\u001b"]},
 {"name":"settings-http","component":"settings","keys":["h","t","t","p","\r"]},
 {"name": "model-thinking-empty", "component": "settings", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r"]},
 {"name": "model-thinking-empty-level", "component": "settings", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r"]},
 {"name": "model-thinking-open", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r"]},
 {"name": "model-thinking-search", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "g", "e", "m"]},
 {"name": "model-thinking-search-none", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "z", "z", "z"]},
 {"name": "model-thinking-levels", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r"]},
 {"name": "model-thinking-levels-override", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "g", "p", "t", "-", "5", "\r"]},
 {"name": "model-thinking-levels-mapped", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\u001b[B", "\r"]},
 {"name": "model-thinking-levels-plain", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "4", ".", "1", "\r"]},
 {"name": "model-thinking-pick", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r", "\u001b[B", "\u001b[B", "\r"]},
 {"name": "model-thinking-pick-twice", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r", "\u001b[B", "\r", "\r", "\u001b[A", "\r"]},
 {"name": "model-thinking-clear", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "g", "p", "t", "-", "5", "\r", "\u001b[B", "\u001b[B", "\r"]},
 {"name": "model-thinking-back", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r", "\u001b"]},
 {"name": "model-thinking-done", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r", "\u001b[B", "\r", "\u001b"]},
 {"name": "model-thinking-done-cleared", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "g", "p", "t", "-", "5", "\r", "\u001b[B", "\u001b[B", "\r", "\u001b"]},
 {"name": "model-thinking-reopen", "component": "settingsModels", "keys": ["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r", "\r", "\u001b[B", "\r", "\u001b", "\r"]},
 {"name":"scoped-initial","component":"scoped","keys":[]},
 {"name":"scoped-toggle","component":"scoped","keys":["\u001b[B","\u001b[B","\r"]},
 {"name":"scoped-reorder","component":"scoped","keys":["\u001b[B","\u001b[1;3B","\u001b[1;3A","\u001b[1;3A"]},
 {"name":"scoped-provider","component":"scoped","keys":["\u001b[B","\u001b[B","\u001b[B","\u0010"]},
 {"name":"scoped-search-all","component":"scoped","keys":["g","e","m","\u0001"]},
 {"name":"scoped-clear-save","component":"scoped","keys":["\u0018","\u0013"]},
 {"name":"scoped-all-toggle","component":"scopedAll","keys":["\u001b[B","\r"]},
 {"name":"scoped-all-scroll","component":"scopedAll","keys":["\u001b[A","\u001b[A"]},
 {"name":"scoped-ctrlc","component":"scoped","keys":["z","z","\u0003","\u0003"]},
 {"name":"thinking-initial","component":"thinking","keys":[]},
 {"name":"thinking-filter","component":"thinking","keys":["d","e","e","p","\r"]},
 {"name":"thinking-default","component":"thinking","keys":["\u001b[A","\u0013","\u001b"]}
];
const result = [];
for (const sc of scenarios) {
  const events = [];
  const c = make[sc.component](events);
  const target = c.getSettingsList ? c.getSettingsList() : c; for (const k of sc.keys) target.handleInput(k);
  const screens = {};
  for (const w of [80, 50]) screens[w] = c.render(w).map(l => strip(l).trimEnd());
  result.push({ ...sc, screens, events });
}

// The /model search over every built-in model, providers in the selector's order.
const { MODELS } = await import(`${refDir}/node_modules/@earendil-works/pi-ai/dist/models.generated.js`);
const { fuzzyFilter } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/fuzzy.js`);
const { getModelSelectorSearchText } = await import(`${base}/model-search.js`);
const catalog = Object.values(MODELS).flatMap((models) => Object.values(models));
catalog.sort((a, b) => a.provider.localeCompare(b.provider));
const modelSearch = ["opus", "sonnet", "gpt-5", "anthropic/opus", "o3", "haiku45", "gemini flash"].map((query) => ({
  query,
  top: fuzzyFilter(catalog, query, (m) => getModelSelectorSearchText(m)).slice(0, 12).map((m) => `${m.provider}/${m.id}`),
}));
const out = join(resolve(process.argv[2] ?? "."), "selectors-reference.json");
writeFileSync(out, `${JSON.stringify({ scenarios: result, modelSearch }, null, 1)}\n`);
