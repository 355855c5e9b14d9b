// Runs the reference pi 0.87.1 tools over a parity plan (see tool-setup.mjs) and writes one
// result per case: content, details or the error text, and the files the case asks to read back.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/tool-run.mjs <plan.json> <results.json>
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [planPath, outPath] = process.argv.slice(2);
const dist = join(process.env.PI_REF_DIR ?? "/tmp/pi-ref", "node_modules/@earendil-works/pi-coding-agent/dist");
const { createAllTools } = await import(join(dist, "core/tools/index.js"));
const plan = JSON.parse(readFileSync(planPath, "utf8"));

const results = [];
for (const c of plan) {
  // pi runs in the session's directory, and rg resolves --glob against its own.
  try {
    process.chdir(c.cwd);
  } catch {}
  const tools = createAllTools(c.cwd, { bash: c.options.bash, read: c.options.read });
  const tool = tools[c.tool];
  const abort = new AbortController();
  if (c.abortAfterMs !== undefined) setTimeout(() => abort.abort(), c.abortAfterMs);
  const args = tool.prepareArguments ? tool.prepareArguments(structuredClone(c.args)) : c.args;
  const result = { name: c.name, dir: c.dir };
  try {
    const out = await tool.execute(`call-${c.name}`, args, abort.signal, () => {});
    result.content = out.content;
    if (out.details !== undefined) result.details = out.details;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  result.files = {};
  for (const path of c.readFiles) {
    const full = join(c.dir, path);
    result.files[path] = existsSync(full) ? readFileSync(full).toString("base64") : null;
  }
  results.push(result);
}
writeFileSync(outPath, JSON.stringify(results, null, 1));
