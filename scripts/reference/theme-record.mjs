// Records what the reference pi 0.87.1 does with themes: the ANSI sequences of every token of
// the built-in themes in both colour modes, its 256-colour approximation of a sample of
// colours, its validation errors for broken theme files, terminal background detection from
// COLORFGBG, theme setting resolution, and which themes its resource loader finds in a tree.
// Writes theme-reference.json into the given directory, paths written as $ROOT.
//
//   node scripts/reference/theme-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const themeJs = await import(`${dist}/modes/interactive/theme/theme.js`);
const { validateThemeJson } = await import(`${dist}/modes/interactive/theme/theme-json.js`);
const { DefaultResourceLoader } = await import(`${dist}/core/resource-loader.js`);
const { SettingsManager } = await import(`${dist}/core/settings-manager.js`);
const { Theme, loadThemeFromPath, detectTerminalBackgroundFromEnv, resolveThemeSetting, setThemeJsonValidator } =
  themeJs;

const outDir = resolve(process.argv[2]);
const themesDir = `${dist}/modes/interactive/theme`;
setThemeJsonValidator(validateThemeJson);

// 1. Built-in themes: every token's escape sequence, truecolor and 256 colours.
const builtins = {};
for (const name of ["dark", "light"]) {
  builtins[name] = {};
  for (const mode of ["truecolor", "256color"]) {
    const theme = loadThemeFromPath(join(themesDir, `${name}.json`), mode);
    builtins[name][mode] = {
      fg: Object.fromEntries(theme.fgColors),
      bg: Object.fromEntries(theme.bgColors),
    };
  }
}

// 2. The 256-colour approximation of a sample of colours.
const hex = (r, g, b) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
const samples = new Set();
for (const name of ["dark", "light"]) {
  const doc = JSON.parse(readFileSync(join(themesDir, `${name}.json`), "utf-8"));
  for (const value of [...Object.values(doc.vars ?? {}), ...Object.values(doc.colors)]) {
    if (typeof value === "string" && value.startsWith("#")) samples.add(value.toLowerCase());
  }
}
for (let r = 0; r < 256; r += 51) for (let g = 0; g < 256; g += 51) for (let b = 0; b < 256; b += 51) samples.add(hex(r, g, b));
for (let v = 0; v < 256; v += 5) samples.add(hex(v, v, v)); // greys and near-greys
for (let v = 0; v < 250; v += 7) samples.add(hex(v, v + 3, v + 6));
let seed = 20240607;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % 256;
};
for (let i = 0; i < 400; i++) samples.add(hex(random(), random(), random()));
const probe = { muted: "", text: "", thinkingXhigh: "" };
const ansi256 = [...samples].map((color) => {
  const theme = new Theme({ ...probe, accent: color }, { selectedBg: "" }, "256color");
  return [color, Number(theme.getFgAnsi("accent").match(/38;5;(\d+)m/)[1])];
});

// 3. Theme files: what loading each one reports.
const root = realpathSync(mkdtempSync(join(tmpdir(), "pi-themes-")));
const dark = JSON.parse(readFileSync(join(themesDir, "dark.json"), "utf-8"));
const clone = () => structuredClone(dark);
const edited = (edit) => {
  const doc = clone();
  edit(doc);
  return doc;
};
const validationCases = [
  ["valid-dark", clone()],
  ["empty-colors", { name: "empty-colors", colors: {} }],
  ["no-name", { colors: {} }],
  ["not-an-object", 5],
  ["array", []],
  ["null", null],
  ["empty-object", {}],
  ["two-missing-and-bad", edited((d) => {
    delete d.colors.accent;
    delete d.colors.bashMode;
    d.colors.border = 300;
    d.colors.muted = true;
    d.colors.dim = 1.5;
    d.colors.text = -1;
  })],
  ["bad-types-everywhere", edited((d) => {
    d.vars.x = true;
    d.export.pageBg = {};
    d.name = 3;
    d.$schema = 1;
  })],
  ["slash-name", edited((d) => { d.name = "a/b"; })],
  ["colors-array", edited((d) => { d.colors = []; })],
  ["vars-and-export-wrong", edited((d) => { d.vars = []; d.export = 1; })],
  ["null-color", edited((d) => { d.colors.accent = null; })],
  ["out-of-range", edited((d) => { d.colors.accent = 300.5; d.colors.border = -1.5; })],
  ["optional-tokens-wrong", edited((d) => { d.colors.thinkingMax = true; d.colors.scrollbarTrack = null; })],
  ["nulls-at-top", edited((d) => { d.vars = null; d.export = null; d.$schema = null; })],
  ["ten-errors", edited((d) => {
    for (const k of ["accent", "border", "muted", "dim", "text", "error", "warning", "success"]) d.colors[k] = 1.5;
  })],
  ["missing-var", edited((d) => { d.colors.accent = "nonexistent"; })],
  ["circular-var", edited((d) => { d.vars.a = "b"; d.vars.b = "a"; d.colors.accent = "a"; })],
  ["self-var", edited((d) => { d.vars.a = "a"; d.colors.border = "a"; })],
  ["short-hex", edited((d) => { d.colors.accent = "#abc"; })],
  ["bad-hex", edited((d) => { d.colors.mdHeading = "#zzzzzz"; })],
  ["lenient-hex", edited((d) => { d.colors.mdHeading = "#1g2h3i"; })],
  ["bad-bg-hex", edited((d) => { d.colors.selectedBg = "#12345"; })],
  ["extra-token-bad-var", edited((d) => { d.colors.notAToken = "nope"; })],
  ["extra-token-fine", edited((d) => { d.colors.notAToken = "#123456"; d.extra = 1; })],
  ["chained-vars", edited((d) => {
    d.vars.base = "#102030";
    d.vars.mid = "base";
    d.vars.top = "mid";
    d.vars.idx = 42;
    d.colors.accent = "top";
    d.colors.border = "idx";
    d.colors.selectedBg = "mid";
    d.colors.muted = "";
  })],
  ["integer-float", edited((d) => { d.colors.accent = 3.0; })],
];
const validation = [];
for (const [name, doc] of validationCases) {
  const path = join(root, "validation", `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(doc, null, 2));
  let outcome;
  try {
    const theme = loadThemeFromPath(path, "truecolor");
    outcome =
      name === "valid-dark"
        ? { ok: true }
        : { ok: true, fg: Object.fromEntries(theme.fgColors), bg: Object.fromEntries(theme.bgColors) };
  } catch (error) {
    outcome = { ok: false, error: error.message };
  }
  validation.push({ name, doc, ...outcome });
}
// Syntax errors are worded by the JSON parser; only record that one happens.
writeFileSync(join(root, "validation", "syntax.json"), "{ not json");
try {
  loadThemeFromPath(join(root, "validation", "syntax.json"));
} catch (error) {
  validation.push({ name: "syntax", text: "{ not json", ok: false, errorPrefix: error.message.split(":")[0] });
}

// 4. Terminal background from COLORFGBG, and the `theme` setting.
const background = ["", "15;0", "0;15", "7;0", "0;7", "15;default;0", "0;default;15", "12;8", "8;12", "x", "15;x",
  "0;256", "0;255", "0;231", "0;16", "0;244", "0;245", "0;232", " 15 ; 11 ", "1;-1", "0;9", "0;11", "0;3"].map(
  (value) => {
    const detection = detectTerminalBackgroundFromEnv({ env: value === "" ? {} : { COLORFGBG: value } });
    return { colorfgbg: value, theme: detection.theme, source: detection.source };
  },
);
const settings = [];
for (const setting of [null, "dark", "light", "light/dark", "solarized-light/nord", " a / b ", "a/", "/b", "a/b/c",
  "nord", "", " / "]) {
  for (const terminal of ["dark", "light"]) {
    settings.push({ setting, terminal, resolved: resolveThemeSetting(setting ?? undefined, terminal) ?? null });
  }
}

// 5. Which themes the resource loader finds.
const themeFile = (name, extra = {}) => JSON.stringify({ ...clone(), name, ...extra }, null, 2);
const tree = {
  "home/.pi/agent/themes/user-one.json": themeFile("user-one"),
  "home/.pi/agent/themes/shared.json": themeFile("shared"),
  "home/.pi/agent/themes/broken.json": JSON.stringify({ name: "broken", colors: {} }),
  "home/.pi/agent/themes/.hidden.json": themeFile("hidden"),
  "home/.pi/agent/themes/notes.txt": "not a theme",
  "home/.pi/agent/themes/nested/deep.json": themeFile("deep"),
  "home/.pi/agent/themes/.gitignore": "ignored.json\n",
  "home/.pi/agent/themes/ignored.json": themeFile("ignored"),
  "home/.pi/agent/themes/skipped.json": themeFile("skipped"),
  "home/.pi/agent/settings.json": JSON.stringify({ themes: ["../../extra-themes", "!skipped.json"] }),
  "home/extra-themes/from-settings.json": themeFile("from-settings"),
  "home/extra-themes/sub/from-settings-deep.json": themeFile("from-settings-deep"),
  "repo/.git/HEAD": "ref: refs/heads/main\n",
  "repo/.pi/themes/shared.json": themeFile("shared"),
  "repo/.pi/themes/project-only.json": themeFile("project-only"),
  "repo/.pi/settings.json": JSON.stringify({ themes: ["more"] }),
  "repo/.pi/more/project-setting.json": themeFile("project-setting"),
  "repo/cli-themes/cli-one.json": themeFile("cli-one"),
  "repo/cli-themes/.cli-hidden.json": themeFile("cli-hidden"),
  "repo/cli-themes/sub/cli-deep.json": themeFile("cli-deep"),
  "repo/cli-single.json": themeFile("user-one"),
  "repo/not-json.txt": "x",
};
for (const [path, text] of Object.entries(tree)) {
  mkdirSync(dirname(join(root, "tree", path)), { recursive: true });
  writeFileSync(join(root, "tree", path), text);
}
const treeRoot = join(root, "tree");
const scenarios = [
  { name: "trusted", trusted: true, themes: [] },
  { name: "untrusted", trusted: false, themes: [] },
  { name: "cli-paths", trusted: true, themes: ["cli-themes", "cli-single.json", "missing.json", "not-json.txt"] },
  { name: "no-themes", trusted: true, themes: ["cli-themes"], noThemes: true },
];
const discovery = [];
for (const scenario of scenarios) {
  const cwd = join(treeRoot, "repo");
  const agentDir = join(treeRoot, "home/.pi/agent");
  process.env.HOME = join(treeRoot, "home");
  process.chdir(cwd);
  const settingsManager = SettingsManager.create(cwd, agentDir, { projectTrusted: scenario.trusted });
  const loader = new DefaultResourceLoader({
    cwd,
    agentDir,
    settingsManager,
    additionalThemePaths: scenario.themes,
    noThemes: scenario.noThemes,
    noExtensions: true,
    noSkills: true,
    noPromptTemplates: true,
    noContextFiles: true,
  });
  await loader.reload();
  const { themes, diagnostics } = loader.getThemes();
  discovery.push({
    ...scenario,
    loaded: themes.map((t) => ({ name: t.name, path: t.sourcePath })),
    diagnostics: diagnostics.map((d) => ({ type: d.type, message: d.message, path: d.path, collision: d.collision })),
  });
}

const relative = (value) => JSON.parse(JSON.stringify(value).replaceAll(treeRoot, "$ROOT").replaceAll(root, "$DIR"));
const out = {
  builtins,
  ansi256,
  validation: relative(validation),
  background,
  settings,
  discovery: { tree, scenarios: relative(discovery) },
};
// One line per list item keeps the file small and its diffs readable.
const block = (value) =>
  Array.isArray(value) ? `[\n${value.map((item) => `  ${JSON.stringify(item)}`).join(",\n")}\n ]` : JSON.stringify(value);
const text = Object.entries(out)
  .map(([key, value]) =>
    key === "discovery"
      ? ` "discovery": {"tree": ${JSON.stringify(value.tree)},\n  "scenarios": ${block(value.scenarios)}}`
      : ` ${JSON.stringify(key)}: ${block(value)}`,
  )
  .join(",\n");
writeFileSync(join(outDir, "theme-reference.json"), `{\n${text}\n}\n`);
console.log(`wrote ${join(outDir, "theme-reference.json")}`);
