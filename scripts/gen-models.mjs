// Writes pi-ai's built-in model catalog, crates/pi-ai/data/models.jsonl, from an installed
// reference pi-ai package:
//
//   node scripts/gen-models.mjs /tmp/pi-ref/node_modules/@earendil-works/pi-ai
//
// The catalog is read through the package's own registry (getBuiltinProviders and
// getBuiltinModels), so providers and models keep exactly the order pi lists them in.
// Output, JSON Lines: the first line indexes the providers in order with their model counts,
// `[{"provider": id, "models": count}, ...]`; then one model per line, provider after
// provider. pi-ai parses a provider's lines only when that provider is asked for, and a
// catalog update reads as a diff of the models that changed.
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = process.argv[2];
if (!packageDir) {
  console.error("usage: node scripts/gen-models.mjs <path to @earendil-works/pi-ai>");
  process.exit(2);
}
const registry = join(resolve(packageDir), "dist/providers/all.js");
if (!existsSync(registry)) {
  console.error(`no pi-ai registry at ${registry}`);
  process.exit(1);
}
const { getBuiltinProviders, getBuiltinModels } = await import(pathToFileURL(registry).href);

const index = [];
const lines = [];
for (const provider of getBuiltinProviders()) {
  const models = getBuiltinModels(provider);
  index.push({ provider, models: models.length });
  for (const model of models) lines.push(JSON.stringify(model));
}
const out = join(root, "crates/pi-ai/data/models.jsonl");
writeFileSync(out, `${[JSON.stringify(index), ...lines].join("\n")}\n`);
console.log(`${out}: ${index.length} providers, ${lines.length} models`);
