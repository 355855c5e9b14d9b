// Records the reference pi 0.87.1's built-in tool declarations (name, label, description,
// parameter schema, constrained sampling) into
// crates/pi-coding-agent/tests/fixtures/tools/reference-declarations.json, which our tests
// compare against.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/tool-declarations.mjs
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const index = join(
  process.env.PI_REF_DIR ?? "/tmp/pi-ref",
  "node_modules/@earendil-works/pi-coding-agent/dist/core/tools/index.js",
);
if (!existsSync(index)) {
  console.log(`reference tools not found at ${index}; skipping`);
  process.exit(0);
}
const { createAllTools } = await import(index);
const tools = createAllTools("/tmp");
const out = {};
for (const name of ["read", "bash", "edit", "write", "grep", "find", "ls"]) {
  const tool = tools[name];
  out[name] = {
    name: tool.name,
    label: tool.label,
    description: tool.description,
    parameters: tool.parameters,
    constrainedSampling: tool.constrainedSampling ?? null,
  };
}
const target = join(root, "crates/pi-coding-agent/tests/fixtures/tools/reference-declarations.json");
writeFileSync(target, JSON.stringify(out, null, 1) + "\n");
console.log(`recorded ${Object.keys(out).length} tool declarations`);
