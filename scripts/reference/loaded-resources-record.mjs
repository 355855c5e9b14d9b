// Renders pi 0.87.1's "loaded resources" listing (the sections under the startup header)
// for a fixed set of resources, collapsed and expanded at two widths, and writes the lines
// (with their escape sequences) and the resources they were drawn from to
// loaded-resources-reference.json in the given directory. It runs the reference's own
// showLoadedResources on an InteractiveMode object whose session, settings and resource
// loader are plain stand-ins returning the data below.
//
//   node scripts/reference/loaded-resources-record.mjs crates/pi-coding-agent/tests/fixtures/interactive
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// Colours and the home directory (shown as ~) are fixed before anything is imported.
process.env.COLORTERM = "truecolor";
process.env.FORCE_COLOR = "3";
for (const key of ["TMUX", "TERM_PROGRAM", "PI_TRUE_COLOR", "PI_EXPERIMENTAL"]) delete process.env[key];
const home = "/home/ada";
process.env.HOME = home;

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const { initTheme } = await import(`${dist}/modes/interactive/theme/theme.js`);
const { InteractiveMode } = await import(`${dist}/modes/interactive/interactive-mode.js`);
const { Container } = await import(`${refDir}/node_modules/@earendil-works/pi-tui/dist/index.js`);
initTheme("dark");

const outDir = resolve(process.argv[2]);
const cwd = `${home}/proj`;
const agentDir = `${home}/.pi/agent`;

const info = (path, source, scope) => ({ path, source, scope, origin: "top-level" });
const resources = {
  home,
  cwd,
  contextFiles: [`${cwd}/.pi/APPEND_SYSTEM.md`, `${agentDir}/AGENTS.md`, `${cwd}/AGENTS.md`],
  skills: [
    { name: "deploy", path: `${cwd}/.pi/skills/deploy/SKILL.md`, source: "auto", scope: "project" },
    { name: "review", path: `${agentDir}/skills/review/SKILL.md`, source: "auto", scope: "user" },
  ],
  prompts: [
    { name: "fix", path: `${cwd}/.pi/prompts/fix.md`, source: "auto", scope: "project" },
    { name: "explain", path: `${agentDir}/prompts/explain.md`, source: "auto", scope: "user" },
  ],
  themes: [{ name: "nord", path: `${cwd}/.pi/themes/nord.json`, source: "auto", scope: "project" }],
  diagnostics: [
    {
      resource: "skill",
      type: "collision",
      message: 'name "review" collision',
      path: `${home}/.agents/skills/review/SKILL.md`,
      collision: {
        resourceType: "skill",
        name: "review",
        winnerPath: `${agentDir}/skills/review/SKILL.md`,
        loserPath: `${home}/.agents/skills/review/SKILL.md`,
      },
    },
    {
      resource: "skill",
      type: "warning",
      message: "description is required",
      path: `${cwd}/.pi/skills/draft/SKILL.md`,
    },
    {
      resource: "prompt",
      type: "collision",
      message: 'name "/fix" collision',
      path: `${agentDir}/prompts/fix.md`,
      collision: {
        resourceType: "prompt",
        name: "fix",
        winnerPath: `${cwd}/.pi/prompts/fix.md`,
        loserPath: `${agentDir}/prompts/fix.md`,
      },
    },
    {
      resource: "theme",
      type: "warning",
      message: "theme path does not exist",
      path: `${agentDir}/missing-themes`,
    },
  ],
};

const diagnosticsOf = (resource) =>
  resources.diagnostics
    .filter((d) => d.resource === resource)
    .map(({ resource: _, ...d }) => d);
const promptTemplates = () =>
  resources.prompts.map((p) => ({ name: p.name, filePath: p.path, sourceInfo: info(p.path, p.source, p.scope) }));
const resourceLoader = {
  getSkills: () => ({
    skills: resources.skills.map((s) => ({ name: s.name, filePath: s.path, sourceInfo: info(s.path, s.source, s.scope) })),
    diagnostics: diagnosticsOf("skill"),
  }),
  getPrompts: () => ({ prompts: promptTemplates(), diagnostics: diagnosticsOf("prompt") }),
  getThemes: () => ({
    themes: [
      { name: "dark" },
      { name: "light" },
      ...resources.themes.map((t) => ({ name: t.name, sourcePath: t.path, sourceInfo: info(t.path, t.source, t.scope) })),
    ],
    diagnostics: diagnosticsOf("theme"),
  }),
  getExtensions: () => ({ extensions: [], errors: [] }),
  // The first context file stands for an APPEND_SYSTEM.md, the others are AGENTS.md files.
  getSystemPromptSource: () => undefined,
  getAppendSystemPromptSources: () => [{ path: resources.contextFiles[0] }],
  getAgentsFiles: () => ({ agentsFiles: resources.contextFiles.slice(1).map((path) => ({ path, content: "" })) }),
};

function render(expanded, width) {
  const mode = Object.create(InteractiveMode.prototype);
  mode.loadedResourcesContainer = new Container();
  mode.options = { verbose: false };
  mode.toolOutputExpanded = expanded;
  const session = {
    settingsManager: { getQuietStartup: () => false },
    sessionManager: { getCwd: () => cwd },
    resourceLoader,
    promptTemplates: promptTemplates(),
    extensionRunner: {
      getCommandDiagnostics: () => [],
      getShortcutDiagnostics: () => [],
      getRegisteredCommands: () => [],
    },
  };
  // session, sessionManager and settingsManager are getters over the runtime host.
  mode.runtimeHost = { session };
  mode.showLoadedResources({ force: false });
  return mode.loadedResourcesContainer.render(width);
}

const cases = [];
for (const expanded of [false, true]) {
  for (const width of [80, 40]) {
    cases.push({ expanded, width, lines: render(expanded, width) });
  }
}
writeFileSync(join(outDir, "loaded-resources-reference.json"), `${JSON.stringify({ resources, cases }, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${outDir}`);
