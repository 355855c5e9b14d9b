// Loads the resource scenarios of tree.json with the reference pi 0.87.1 (its resource
// loader, system prompt builder and prompt expansion) and writes what it found to
// reference.json beside it, paths written relative to the tree's root as $ROOT.
//
//   node scripts/reference/resources-record.mjs crates/pi-coding-agent/tests/fixtures/resources
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const dist = `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist`;
const { DefaultResourceLoader } = await import(`${dist}/core/resource-loader.js`);
const { SettingsManager } = await import(`${dist}/core/settings-manager.js`);
const { buildSystemPromptSections } = await import(`${dist}/core/system-prompt.js`);
const { expandPromptTemplate } = await import(`${dist}/core/prompt-templates.js`);
const { AgentSession } = await import(`${dist}/core/agent-session.js`);
const { createToolDefinition } = await import(`${dist}/core/tools/index.js`);

const fixtureDir = resolve(process.argv[2]);
// The docs section names pi's installation; record it as installed globally.
process.env.PI_PACKAGE_DIR = "/usr/local/lib/node_modules/@earendil-works/pi-coding-agent";
const tree = JSON.parse(readFileSync(join(fixtureDir, "tree.json"), "utf-8"));
const root = realpathSync(mkdtempSync(join(tmpdir(), "pi-resources-")));
for (const entry of tree.entries) {
  const path = join(root, entry.path);
  mkdirSync(dirname(path), { recursive: true });
  if (entry.dir) mkdirSync(path, { recursive: true });
  else if (entry.link) symlinkSync(entry.link, path);
  else writeFileSync(path, entry.text);
}

const relative = (value) =>
  JSON.parse(JSON.stringify(value ?? null).replaceAll(root, "$ROOT"));

const results = [];
for (const scenario of tree.scenarios) {
  const cwd = join(root, scenario.cwd);
  const agentDir = join(root, "home/.pi/agent");
  process.env.HOME = join(root, "home");
  process.chdir(cwd);
  const warnings = [];
  const consoleError = console.error;
  console.error = (...args) => warnings.push(args.join(" ").replace(/\x1b\[[0-9;]*m/g, ""));
  const settingsManager = SettingsManager.create(cwd, agentDir, { projectTrusted: scenario.trusted });
  const loader = new DefaultResourceLoader({
    cwd,
    agentDir,
    settingsManager,
    additionalSkillPaths: scenario.skills ?? [],
    additionalPromptTemplatePaths: scenario.promptTemplates ?? [],
    noSkills: scenario.noSkills,
    noPromptTemplates: scenario.noPromptTemplates,
    noContextFiles: scenario.noContextFiles,
    noExtensions: true,
    noThemes: true,
    systemPrompt: scenario.systemPrompt,
    appendSystemPrompt: scenario.appendSystemPrompt,
  });
  await loader.reload();
  console.error = consoleError;

  const toolSnippets = {};
  const toolGuidelines = {};
  for (const name of scenario.tools) {
    const definition = createToolDefinition(name, cwd);
    toolSnippets[name] = definition.promptSnippet;
    toolGuidelines[name] = definition.promptGuidelines ?? [];
  }
  const append = loader.getAppendSystemPrompt();
  const sections = buildSystemPromptSections({
    cwd,
    skills: loader.getSkills().skills,
    contextFiles: loader.getAgentsFiles().agentsFiles,
    customPrompt: loader.getSystemPrompt(),
    appendSystemPrompt: append.length > 0 ? append.join("\n\n") : "",
    selectedTools: scenario.tools,
    toolSnippets,
    toolGuidelines,
  });
  const session = { resourceLoader: loader, _extensionRunner: { emitError: () => {} } };
  const expansions = (scenario.expand ?? []).map((input) => {
    const skillExpanded = AgentSession.prototype._expandSkillCommand.call(session, input);
    return { input, output: expandPromptTemplate(skillExpanded, loader.getPrompts().prompts) };
  });
  results.push(
    relative({
      name: scenario.name,
      skills: loader.getSkills().skills,
      skillDiagnostics: loader.getSkills().diagnostics,
      prompts: loader.getPrompts().prompts,
      promptDiagnostics: loader.getPrompts().diagnostics,
      contextFiles: loader.getAgentsFiles().agentsFiles,
      systemPrompt: loader.getSystemPrompt() ?? null,
      appendSystemPrompt: append,
      warnings,
      sections,
      expansions,
    }),
  );
}
rmSync(root, { recursive: true, force: true });
writeFileSync(join(fixtureDir, "reference.json"), `${JSON.stringify({ scenarios: results }, null, 1)}\n`);
