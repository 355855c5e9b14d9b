// Records how the reference pi 0.87.1 resolves `--model` patterns and `--models` scopes
// against its built-in catalog into
// crates/pi-coding-agent/tests/fixtures/config/model-resolution.json, which our tests
// compare against. Run once without credentials and once with OpenAI and Anthropic keys
// (bare ids shared by several providers resolve differently then).
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/model-resolution.mjs
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const refDir = process.env.PI_REF_DIR || "/tmp/pi-ref";
const dist = join(refDir, "node_modules/@earendil-works/pi-coding-agent/dist/core");
if (!existsSync(join(dist, "model-resolver.js"))) {
  console.log(`reference pi not found at ${dist}; skipping`);
  process.exit(0);
}

const cli = [
  [null, "sonnet"], [null, "opus"], [null, "gpt-5"], [null, "claude-opus-4-8"],
  [null, "openai/gpt-5.5"], [null, "gpt-4o"], [null, "gemini"], [null, "kimi"], [null, "grok"],
  [null, "openrouter/openai/gpt-4o"], [null, "zai/glm-5"], [null, "haiku:high"],
  [null, "sonnet:turbo"], [null, "qwen"], [null, "deepseek"], [null, "anthropic/claude-sonnet-4-5"],
  ["openai", "gpt-9-new:high"], ["OpenAI", "openai/gpt-5.5"], [null, "gpt-5.5"],
  [null, "anthropic/nonexistent-x"], [null, "nonexistent-x"], ["anthropic", "claude-opus-4-8:xhigh"],
  [null, "openai/gpt-4o:extended"], [null, "mistral"], [null, "llama"], ["groq", "llama"], [null, "o3"],
  [null, "claude-haiku-4-5-20251001"], ["openrouter", "auto"], [null, "gpt-5.5:minimal"],
  ["openai", "gpt-new", "low"], [null, "xiaomi/mimo-v2.5-pro"], [null, "GPT-5.5"], [null, "Claude Opus"],
];
const scopes = [
  ["*sonnet*"], ["anthropic/*:high", "gpt-5.5"], ["openai/gpt-5*:low", "nope*", "nothing"],
  ["claude-opus-4-8", "opus:turbo"], ["*haiku*:minimal", "anthropic/claude-haiku-4-5"], ["gpt-4o?"],
  ["[ab]*"],
];

if (process.argv[2] === "--child") {
  const { ModelRuntime } = await import(join(dist, "model-runtime.js"));
  const { resolveCliModel, resolveModelScopeFromModels } = await import(join(dist, "model-resolver.js"));
  const dir = mkdtempSync(join(tmpdir(), "pi-resolution-"));
  const rt = await ModelRuntime.create({ authPath: join(dir, "auth.json"), modelsPath: join(dir, "models.json") });
  const available = await rt.getAvailable();
  const result = {
    available: available.length,
    cli: cli.map(([provider, model, thinking]) => {
      const r = resolveCliModel({
        cliProvider: provider ?? undefined,
        cliModel: model,
        cliThinking: thinking ?? undefined,
        modelRuntime: rt,
      });
      return {
        provider, model, thinking: thinking ?? null,
        result: r.model ? `${r.model.provider}/${r.model.id}` : null,
        reasoning: r.model?.reasoning ?? null,
        thinkingLevel: r.thinkingLevel ?? null,
        warning: r.warning ?? null,
        error: r.error ?? null,
      };
    }),
    scopes: scopes.map((patterns) => {
      const { scopedModels, diagnostics } = resolveModelScopeFromModels(patterns, available);
      return {
        patterns,
        models: scopedModels.map((s) => [`${s.model.provider}/${s.model.id}`, s.thinkingLevel ?? null]),
        warnings: diagnostics.map((d) => d.message),
      };
    }),
  };
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

const run = (env) => {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child"], {
    env: { PATH: process.env.PATH, HOME: tmpdir(), PI_OFFLINE: "1", PI_REF_DIR: refDir, ...env },
  });
  return { env, ...JSON.parse(out.toString()) };
};
const fixture = {
  noAuth: run({}),
  withAuth: run({ OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y" }),
};
const target = join(root, "crates/pi-coding-agent/tests/fixtures/config/model-resolution.json");
writeFileSync(target, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${target}`);
